"""Free text outside any question: understood by the NLU and routed to the right journey.

A status said in words is recorded only when the guess is confident; a critical intent
(job lost, unsubscribe, asking for a person) guessed without confidence is confirmed with
buttons first. Anything else, or no model yet, falls through to the menu.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import default_state
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import MenuAction, NluConfirm
from yulu.bot.handlers.checkin import answer_status
from yulu.bot.keyboards import checkin_keyboard, confirm_keyboard, menu_keyboard
from yulu.core.config import Settings
from yulu.core.i18n import Translator
from yulu.services import assist, checkin, people
from yulu.services.privacy import FieldCipher
from yulu.services.understanding import Understanding
from yulu.storage.models import Graduate

router = Router(name="talk")
CANNED = {"greet", "goodbye", "thanks", "ask_policy", "ask_training", "update_profile", "sign_up"}


@router.message(default_state, F.text, ~F.text.startswith("/"))
async def free_text(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
    nlu: Understanding,
) -> None:
    """Understand a message and act on it, or show the menu."""
    parse = await nlu.parse(message.text)
    graduate = await people.graduate_for_user(session, message.from_user.id)
    if parse is None or not nlu.is_confident(parse) and not nlu.needs_confirmation(parse):
        await _not_sure(message, t, graduate, settings)
        return
    if nlu.needs_confirmation(parse):
        await message.answer(
            t("nlu-confirm", meaning=t(f"nlu-meaning-{parse.intent}")),
            reply_markup=confirm_keyboard(t, parse.intent),
        )
        return
    await act(
        message, session, state, t, cipher, settings, graduate, parse.intent, said=message.text
    )


async def act(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
    graduate: Graduate | None,
    intent: str,
    *,
    said: str,
) -> None:
    """Carry out an understood intent for this user."""
    if intent in CANNED:
        await message.answer(
            t(f"reply-{intent}"), reply_markup=menu_keyboard(t, registered=graduate is not None)
        )
    elif graduate is None:
        await message.answer(t("checkin-not-registered"))
    elif intent in checkin.INTENT_CHOICE:
        period = checkin.period_of(message.date, settings.timezone)
        await answer_status(
            message,
            session,
            state,
            t,
            cipher,
            graduate,
            period=period,
            choice=checkin.INTENT_CHOICE[intent],
            via="text",
        )
    elif intent == "request_human":
        own_cadre = await assist.request_human(session, cipher, t, graduate, said=said)
        await message.answer(t("human-requested" if own_cadre else "human-no-cadre"))
    elif intent == "unsubscribe":
        assist.unsubscribe(session, graduate)
        await message.answer(t("unsubscribe-done"))
    else:
        await _not_sure(message, t, graduate, settings)


async def _not_sure(
    message: Message, t: Translator, graduate: Graduate | None, settings: Settings
) -> None:
    """The menu, plus the status buttons for a registered graduate (a guess is never recorded)."""
    markup = menu_keyboard(t, registered=graduate is not None)
    if graduate is not None:
        markup = checkin_keyboard(t, checkin.period_of(message.date, settings.timezone))
        markup.inline_keyboard.extend(menu_keyboard(t, registered=True).inline_keyboard)
    await message.answer(t("nlu-not-sure"), reply_markup=markup)


@router.callback_query(NluConfirm.filter())
async def confirmed(
    query: CallbackQuery,
    callback_data: NluConfirm,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """是的 / 不是 to a critical guess."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    graduate = await people.graduate_for_user(session, query.from_user.id)
    if not callback_data.yes:
        await query.message.answer(
            t("nlu-not-sure"), reply_markup=menu_keyboard(t, registered=graduate is not None)
        )
        return
    await act(
        query.message, session, state, t, cipher, settings, graduate, callback_data.intent, said=""
    )


@router.callback_query(MenuAction.filter(F.action == "human"))
async def human_button(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """The 找帮扶干部 button."""
    await query.answer()
    graduate = await people.graduate_for_user(session, query.from_user.id)
    await act(
        query.message, session, state, t, cipher, settings, graduate, "request_human", said="button"
    )

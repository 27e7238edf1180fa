"""Render a service's Reply (yulu.services.conversation) as a Telegram message."""

from __future__ import annotations

from datetime import date

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message

from yulu.bot.keyboards import (
    checkin_keyboard,
    confirm_keyboard,
    detail_keyboard,
    menu_keyboard,
    render,
)
from yulu.core.i18n import Translator
from yulu.services import matching
from yulu.services.checkin import FollowUp
from yulu.services.context import ServiceContext
from yulu.services.conversation import Reply
from yulu.storage.models import Graduate


class CheckinFlow(StatesGroup):
    """The employment details after a status answer (bot/handlers/checkin.py asks them)."""

    detail = State()  # data: period, field


async def send(
    message: Message,
    state: FSMContext,
    ctx: ServiceContext,
    reply: Reply,
    *,
    graduate: Graduate | None,
) -> None:
    """Say the reply with the buttons it offers; start the follow-up questions it needs."""
    t, registered = ctx.t, graduate is not None
    if reply.jobs is not None and graduate is not None:
        await show_jobs(message, ctx, graduate, kind=reply.jobs or None)
        return
    if reply.follow_up is not None:
        await send_follow_up(message, state, t, reply.follow_up, period=reply.period or "")
        return
    if reply.confirm:
        text = t(reply.key, meaning=t(f"nlu-meaning-{reply.confirm}"))
        await message.answer(text, reply_markup=confirm_keyboard(t, reply.confirm))
        return
    await message.answer(t(reply.key, **reply.args), reply_markup=_markup(t, reply, registered))


def _markup(t: Translator, reply: Reply, registered: bool) -> InlineKeyboardMarkup | None:
    if reply.status_period is not None:
        markup = checkin_keyboard(t, reply.status_period)
        markup.inline_keyboard.extend(menu_keyboard(t, registered=True).inline_keyboard)
        return markup
    return menu_keyboard(t, registered=registered) if reply.menu else None


async def send_follow_up(
    message: Message, state: FSMContext, t: Translator, follow_up: FollowUp, *, period: str
) -> None:
    """The reply to a recorded status and its first detail question (if any), in one message."""
    if follow_up.next_question is None:
        await state.clear()
        await message.answer(t(follow_up.reply))
        return
    await state.set_state(CheckinFlow.detail)
    await state.set_data({"period": period, "field": follow_up.next_question})
    await ask_detail(message, t, follow_up.next_question, prefix=t(follow_up.reply))


async def ask_detail(message: Message, t: Translator, field: str, *, prefix: str = "") -> None:
    """One detail question (after `prefix`: a thank-you or what was wrong), in one message,
    with its buttons where the answers are a closed set."""
    question = t(f"checkin-ask-{field}")
    await message.answer(
        f"{prefix}\n{question}" if prefix else question,
        reply_markup=detail_keyboard(t, field, this_year=date.today().year),
    )


async def show_jobs(
    message: Message,
    ctx: ServiceContext,
    graduate: Graduate,
    *,
    kind: str | None = None,
    index: int = 0,
    edit: bool = False,
) -> None:
    """The graduate's current match number `index`, with 感兴趣 / 不合适 and ◀ ▶."""
    view = await matching.match_view(ctx, graduate, kind=kind, index=index)
    markup = render(ctx.t, view.buttons) if view.buttons else None
    if edit:
        try:
            await message.edit_text(view.text, reply_markup=markup)
            return
        except TelegramBadRequest:  # too old to edit, or nothing changed: say it anew
            pass
    await message.answer(view.text, reply_markup=markup)

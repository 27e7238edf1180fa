"""Free text outside any question: understood by the NLU, acted on by one service.

What a message leads to is decided in yulu.services.conversation (a status said in words is
recorded only when the guess is confident; a critical intent guessed without confidence is
confirmed with buttons first; anything else gets the menu). This module only reads the input
and renders the Reply (bot/replies.py).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import default_state
from aiogram.types import CallbackQuery, Message

from yulu.bot import replies
from yulu.bot.callbacks import MenuAction, NluConfirm
from yulu.bot.filters import NOT_COMMAND, TEXT
from yulu.services import conversation
from yulu.services.context import ServiceContext
from yulu.services.understanding import Understanding
from yulu.storage.models import Graduate

router = Router(name="talk")


@router.message(StateFilter(default_state), TEXT, NOT_COMMAND)
async def free_text(
    message: Message,
    state: FSMContext,
    ctx: ServiceContext,
    nlu: Understanding,
    graduate: Graduate | None,
) -> None:
    """Understand a message and act on it, or show the menu."""
    parse = await nlu.parse(message.text)
    reply = await conversation.respond(
        ctx,
        graduate,
        parse,
        confident=parse is not None and nlu.is_confident(parse),
        needs_confirmation=parse is not None and nlu.needs_confirmation(parse),
        said=message.text,
        now=message.date,
    )
    await replies.send(message, state, ctx, reply, graduate=graduate)


@router.callback_query(NluConfirm.filter())
async def confirmed(
    query: CallbackQuery,
    callback_data: NluConfirm,
    state: FSMContext,
    ctx: ServiceContext,
    graduate: Graduate | None,
) -> None:
    """是的 / 不是 to a critical guess."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.yes:
        reply = await conversation.act(
            ctx, graduate, callback_data.intent, said="", now=query.message.date
        )
    else:
        reply = conversation.Reply("nlu-not-sure", menu=True)
    await replies.send(query.message, state, ctx, reply, graduate=graduate)


@router.callback_query(MenuAction.filter(F.action == "human"))
async def human_button(
    query: CallbackQuery, state: FSMContext, ctx: ServiceContext, graduate: Graduate | None
) -> None:
    """The 找帮扶干部 button."""
    await query.answer()
    reply = await conversation.act(
        ctx, graduate, "request_human", said="button", now=query.message.date
    )
    await replies.send(query.message, state, ctx, reply, graduate=graduate)

"""退订 / STOP in any state, before anything else reads the message; /start after it.

This router comes right after the errors router, so a STOP word typed at any question (the
employer's name, a sign-up field) unsubscribes instead of being taken as the answer, and it
needs no NLU model (the word list is in config: `stop_words`).
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import CommandStart, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.filters import TEXT
from yulu.bot.keyboards import menu_keyboard
from yulu.core.config import Settings
from yulu.core.i18n import Translator
from yulu.services import subscription
from yulu.storage.models import Cadre, Graduate

router = Router(name="stop")


class StopWord(Filter):
    """A message from a graduate or newcomer (not staff) that is one of the STOP words."""

    async def __call__(
        self, message: Message, settings: Settings, cadre: Cadre | None = None, **_: Any
    ) -> bool:
        return cadre is None and subscription.is_stop_word(message.text, settings.stop_words)


class Unsubscribed(Filter):
    """A registered graduate who has said 退订."""

    async def __call__(self, message: Message, graduate: Graduate | None = None, **_: Any) -> bool:
        return graduate is not None and graduate.unsubscribed_at is not None


@router.message(TEXT, StopWord())
async def stop(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    graduate: Graduate | None = None,
) -> None:
    """Stop every proactive message now, queued ones too; the question in progress is dropped."""
    await state.clear()
    if graduate is not None:
        await subscription.stop(session, graduate)
    await message.answer(t("unsubscribe-done"))


@router.message(CommandStart(deep_link=False), Unsubscribed())
async def start_again(
    message: Message, session: AsyncSession, t: Translator, graduate: Graduate
) -> None:
    """/start after 退订 says plainly that messages are back on."""
    subscription.restart(session, graduate)
    await message.answer(
        t("start-resubscribed", name=graduate.name), reply_markup=menu_keyboard(t, registered=True)
    )

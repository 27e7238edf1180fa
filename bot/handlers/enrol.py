"""Cadre enrolment: /start CODE from an invite binds this Telegram account to that cadre."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.editing import set_staff_commands
from yulu.core.i18n import Translator
from yulu.services import cadres
from yulu.services.privacy import FieldCipher

log = logging.getLogger(__name__)
router = Router(name="enrol")


@router.message(CommandStart(deep_link=True))
async def bind_with_code(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
) -> None:
    """Check the one-time code; wrong codes are logged and rate-limited per account."""
    result = await cadres.bind(
        session, cipher, code=command.args, telegram_user_id=message.from_user.id
    )
    if result.outcome != "bound":
        log.warning("cadre binding refused for chat %s: %s", message.chat.id, result.outcome)
        await message.answer(t(f"enrol-{result.outcome}"))
        return
    await state.clear()
    await set_staff_commands(bot, t, message.chat.id)  # the ☰ menu of this chat: staff commands
    await message.answer(t("enrol-bound", name=result.cadre.name))

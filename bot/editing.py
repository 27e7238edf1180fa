"""Editing messages already sent about a case (its state changed, a phone is masked again)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import BotCommand, BotCommandScopeChat
from aiohttp import ClientError

from yulu.bot.keyboards import render
from yulu.core.i18n import Translator
from yulu.services.actions import Buttons

log = logging.getLogger(__name__)
STAFF_COMMANDS = ("cases", "case", "mygraduates", "help", "start", "cancel")


class TelegramCaseMessages:
    """yulu.services.cases.CaseMessages for Telegram: editMessageText with the current buttons."""

    def __init__(self, bot: Bot, t: Translator) -> None:
        self._bot = bot
        self._t = t

    async def edit(self, *, chat_id: int, message_id: int, text: str, buttons: Buttons) -> None:
        markup = render(self._t, buttons) if buttons else None
        try:
            await self._bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramBadRequest as exc:  # unchanged, deleted, too old: nothing to fix
            log.info("case message %s/%s not edited: %s", chat_id, message_id, exc.message)
        except (TelegramAPIError, ClientError, TimeoutError) as exc:
            log.warning("case message %s/%s not edited: %s", chat_id, message_id, exc)


async def set_staff_commands(bot: Bot, t: Translator, chat_id: int) -> None:
    """The ☰ menu of a cadre's or administrator's chat: the staff commands, not the graduate's."""
    commands = [BotCommand(command=c, description=t(f"staff-command-{c}")) for c in STAFF_COMMANDS]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))
    except (TelegramAPIError, ClientError, TimeoutError) as exc:
        log.warning("setMyCommands for staff chat %s failed (%s)", chat_id, exc)

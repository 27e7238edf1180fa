"""The outbox's Telegram transport: aiogram calls in, the sender's Delivery* errors out."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiohttp import ClientError

from yulu.bot.keyboards import render_stored
from yulu.core.i18n import Translator
from yulu.services.outbox import Blocked, Permanent, RetryAfter, Transient


class TelegramTransport:
    """Sends outbox rows with a Bot."""

    def __init__(self, bot: Bot, t: Translator) -> None:
        self._bot = bot
        self._t = t

    async def send(self, *, chat_id: int, text: str, buttons: list[Any] | None) -> int:
        markup = render_stored(self._t, buttons)
        try:
            message = await self._bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after) from exc
        except TelegramForbiddenError as exc:
            raise Blocked(exc.message) from exc
        except (TelegramServerError, TelegramNetworkError, ClientError, TimeoutError) as exc:
            raise Transient(str(exc)) from exc
        except TelegramBadRequest as exc:
            raise Permanent(exc.message) from exc
        return message.message_id

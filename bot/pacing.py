"""The Bot's HTTP session middleware that puts every limited Bot API call through the Pacer.

Registered on the one Bot of a process (bot/app.create_bot), so replies from handlers and the
outbox sender's messages share one pacer per token; which lane a call takes comes from
yulu.services.pacing.current_lane (the sender sets it per outbox row; handlers reply in the
default REPLY lane).
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    CopyMessage,
    CopyMessages,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    ForwardMessages,
    Response,
    SendChatAction,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from yulu.services.pacing import Pacer

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)
COPIES = (CopyMessage, CopyMessages, ForwardMessage, ForwardMessages)


def paced_as(method: TelegramMethod) -> str | None:
    """Whether a call posts a message ("message"), edits one ("edit") or neither (None)."""
    if isinstance(method, EDITS):
        return "edit"
    if isinstance(method, SendChatAction):
        return None
    if isinstance(method, COPIES) or type(method).__name__.startswith("Send"):
        return "message"
    return None


def _retry_after(exc: BaseException) -> float | None:
    return float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else None


class PacingMiddleware(BaseRequestMiddleware):
    """Messages and edits wait for their turn in the token's Pacer; other calls go straight."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = paced_as(method)
        if kind is None:
            return await make_request(bot, method)
        chat_id = getattr(method, "chat_id", None)
        return await self.pacer.run(
            lambda: make_request(bot, method),
            chat_id=chat_id if isinstance(chat_id, int) else None,
            message=kind == "message",
            retry_after_of=_retry_after,
        )

"""Interactive replies at Telegram's limits: a 429 is waited out and retried, never dropped.

When hundreds of users write at once (a campaign's answers), more replies are due than the
bot may send per second. Each reply that Telegram refuses with 429 waits `retry_after` (plus a
little jitter so the waiting replies do not all return in the same instant) and tries again.
"""

from __future__ import annotations

import asyncio
import logging
import random

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Retry a Bot API call after Telegram's retry_after, up to `attempts` times."""

    def __init__(self, attempts: int = 8, jitter: float = 0.5) -> None:
        self._attempts = attempts
        self._jitter = jitter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self._attempts:
                    raise
                delay = exc.retry_after + random.uniform(0, self._jitter * attempt)
                log.info("429 on %s: retrying in %.1fs", type(method).__name__, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

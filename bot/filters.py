"""Router filters: who an update is from, and plain checks on the update itself.

Who is talking is resolved once per update by `bot.middlewares.WhoIsTalking`, which puts
`graduate` and `cadre` into the handler data; these filters only look at that, never query.

Every filter here is a coroutine. aiogram runs a plain function — a magic filter such as
`F.text` included — on a worker thread (`asyncio.to_thread`), a hand-off that cost more than
the rest of routing together (README "Inbound speed"); `Instant` checks a magic filter in the
loop instead, and `tests/bot/test_dispatcher.py` refuses any handler or filter that is not a
coroutine.
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from yulu.storage.models import Cadre, Graduate


class IsGraduate(Filter):
    """Passes graduates who have signed up."""

    async def __call__(self, event: TelegramObject, graduate: Graduate | None = None) -> bool:
        return graduate is not None


class IsCadre(Filter):
    """Passes bound cadres and administrators."""

    async def __call__(self, event: TelegramObject, cadre: Cadre | None = None) -> bool:
        return cadre is not None


class Unregistered(Filter):
    """Passes people who have not signed up as graduates (newcomers, and staff)."""

    async def __call__(self, event: TelegramObject, graduate: Graduate | None = None) -> bool:
        return graduate is None


class Instant(Filter):
    """A magic filter (`F.text`, `~F.text.startswith("/")`) checked in the event loop."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)

    def __str__(self) -> str:
        return f"Instant({self.magic!r})"


TEXT = Instant(F.text)  # a message with text (not a sticker, a photo, …)
NOT_COMMAND = Instant(~F.text.startswith("/"))  # an answer, not a /command
HAS_DATA = Instant(F.data)  # any button press

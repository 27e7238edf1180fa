"""Router-level filters that scope whole modules to an audience.

Who is talking is resolved once per update by `bot.middlewares.WhoIsTalking`, which puts
`graduate` and `cadre` into the handler data; these filters only look at that, never query.
"""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

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

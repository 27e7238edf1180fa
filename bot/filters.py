"""Router-level filters that scope whole modules to a role."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.services import people


class IsCadre(Filter):
    """Passes bound cadres only, and hands the handler its `cadre`."""

    async def __call__(
        self, event: Message | CallbackQuery, session: AsyncSession
    ) -> bool | dict[str, Any]:
        cadre = await people.cadre_for_user(session, event.from_user.id)
        return {"cadre": cadre} if cadre is not None else False

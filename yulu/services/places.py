"""Places: free text → an official administrative division → a region row."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import InvalidInput
from yulu.nlu.entities import Place, resolve_place
from yulu.storage.models import Region
from yulu.storage.queries import get_or_insert

ANYWHERE_WORDS = frozenset(
    {"不限", "不限地区", "都行", "都可以", "哪里都行", "随便", "全国", "anywhere"}
)


@lru_cache(maxsize=4096)
def resolve(text: str) -> Place | None:
    """Resolve a place name once per distinct text (rosters repeat the same counties)."""
    return resolve_place(text.strip())


def county(text: str) -> Place:
    """A county-level place (户籍地 must name the county), or InvalidInput."""
    place = resolve(text)
    if place is None:
        raise InvalidInput("place-unknown")
    if place.county is None:
        raise InvalidInput("place-need-county")
    return place


def any_level(text: str) -> Place | None:
    """Any province, city or county; None means anywhere (求职地 不限)."""
    if text.strip().lower() in ANYWHERE_WORDS:
        return None
    place = resolve(text)
    if place is None:
        raise InvalidInput("place-unknown")
    return place


async def region_for(session: AsyncSession, place: Place) -> Region:
    """The region row for a place, created on first use (at once by many sign-ups: one row)."""
    return await get_or_insert(
        session,
        Region,
        unique={"full_name": place.full_name},
        values={"province": place.province, "city": place.city, "county": place.county},
    )

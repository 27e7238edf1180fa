"""Who is talking: a registered graduate, a bound cadre, or a newcomer."""

from __future__ import annotations

from dataclasses import dataclass

from yulu.storage.models import Cadre, Graduate
from yulu.storage.people import cadre_by_user as cadre_for_user
from yulu.storage.people import graduate_by_user as graduate_for_user

__all__ = ["Speaker", "cadre_for_user", "graduate_for_user"]


@dataclass(frozen=True)
class Speaker:
    """The person behind a chat: a graduate, a cadre (staff can be neither), or nobody yet."""

    graduate: Graduate | None
    cadre: Cadre | None

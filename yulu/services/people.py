"""Who is talking: a registered graduate, a bound cadre, or a newcomer."""

from __future__ import annotations

from yulu.storage.people import cadre_by_user as cadre_for_user
from yulu.storage.people import graduate_by_user as graduate_for_user

__all__ = ["cadre_for_user", "graduate_for_user"]

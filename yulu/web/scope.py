"""Who is signed in, and whose people they may open: resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass

from yulu.core.errors import NotAllowed
from yulu.storage.console import Reach
from yulu.storage.models import Cadre, CadreRole


@dataclass(frozen=True)
class Staff:
    """A signed-in staff member, with what they may open (`reach`) and count (`figures`).

    level: "cadre" (own graduates and cases), "county" (the county's people), "city" and
    "province" (the region's figures, and the cases escalated to them).
    """

    cadre_id: int
    name: str
    level: str
    region: str
    reach: Reach
    figures: Reach
    csrf: str = ""

    @property
    def is_admin(self) -> bool:
        return self.level != "cadre"

    @property
    def actor(self) -> str:
        """How the audit log names this person: id and name (AuditLog.actor is 80 characters)."""
        return f"web:cadre:{self.cadre_id}:{self.name}"[:80]

    def require_admin(self) -> None:
        """Administrators only (imports, campaigns, the audit log)."""
        if not self.is_admin:
            raise NotAllowed("web-admin-only")


def staff_for(cadre: Cadre, *, csrf: str = "") -> Staff:
    """The scope of a cadre: by role, and for administrators by the level of their region."""
    region = cadre.region
    name = region.full_name if region else ""
    if cadre.role is not CadreRole.ADMIN or region is None:
        own = Reach(cadre_id=cadre.id)
        return Staff(cadre.id, cadre.name, "cadre", name, own, own, csrf)
    area = Reach(province=region.province, city=region.city, county=region.county)
    if region.county:
        return Staff(cadre.id, cadre.name, "county", name, area, area, csrf)
    level = "city" if region.city else "province"
    return Staff(cadre.id, cadre.name, level, name, Reach(escalated_to=cadre.id), area, csrf)

"""Cadre enrolment: added by an administrator, bound to Telegram only by a one-time code."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import InvalidInput, NotFound
from yulu.nlu.entities import Place
from yulu.services import audit, places, validation
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Cadre, CadreInvite, CadreRole, StaffLevel
from yulu.storage.people import cadre_by_phone_hash, count_audit, graduate_by_user, invite_by_hash

MAX_FAILED_CODES_PER_HOUR = 5
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


@dataclass(frozen=True)
class BindResult:
    """The outcome of /start CODE: "bound", "bad-code", "too-many-attempts", "graduate-account"."""

    outcome: str
    cadre: Cadre | None = None


@dataclass(frozen=True)
class Invite:
    code: str
    expires_at: datetime


async def add_cadre(
    session: AsyncSession,
    cipher: FieldCipher,
    *,
    name: str,
    phone: str,
    region: str,
    supervisor_phone: str | None = None,
    role: CadreRole = CadreRole.CADRE,
    actor: str = "cli",
) -> Cadre:
    """Create or update a cadre, keyed by phone number."""
    number = validation.phone(phone)
    place = places.resolve(region)
    if place is None:
        raise InvalidInput("place-unknown", f"unknown region: {region}")
    cadre = await cadre_by_phone_hash(session, cipher.lookup_hash(number))
    if cadre is None:
        cadre = Cadre(phone_hash=cipher.lookup_hash(number))
        session.add(cadre)
    cadre.name = validation.person_name(name)
    cadre.phone_enc, cadre.phone_tail, cadre.role = cipher.encrypt(number), number[-4:], role
    cadre.area = area_below_county(region, place)
    cadre.level = staff_level(place, area=cadre.area, role=role)
    cadre.region = await places.region_for(session, place)
    if supervisor_phone:
        cadre.supervisor_id = (await _cadre_by_phone(session, cipher, supervisor_phone)).id
    await session.flush()
    audit.record(session, actor=actor, action="cadre.add", subject=f"cadre:{cadre.id}")
    return cadre


VILLAGE_SUFFIXES = ("村", "社区", "居委会", "组")


def area_below_county(text: str, place: Place) -> str | None:
    """The township or village a region names below its county (隆回县桃洪镇 → 桃洪镇)."""
    if place.county is None:
        return None
    stem = re.sub(r"(市|县|区|旗)$", "", place.county)
    for name in (place.county, stem):
        at = text.find(name)
        if at >= 0:
            rest = text[at + len(name) :].strip(" ,，、")
            return rest[:60] or None
    return None


def staff_level(place: Place, *, area: str | None, role: CadreRole) -> StaffLevel:
    """村/乡镇 for a 帮扶干部, 县/市/省 for an administrator, from the region they serve."""
    if role is CadreRole.ADMIN:
        if area:
            raise InvalidInput("admin-below-county", "an administrator serves a county or above")
        if place.county:
            return StaffLevel.COUNTY
        return StaffLevel.CITY if place.city else StaffLevel.PROVINCE
    if place.county is None:
        raise InvalidInput("cadre-needs-county", "a 帮扶干部 serves a county, township or village")
    if area and area.endswith(VILLAGE_SUFFIXES):
        return StaffLevel.VILLAGE
    return StaffLevel.TOWNSHIP  # a township, or the county's townships at large


async def _cadre_by_phone(session: AsyncSession, cipher: FieldCipher, phone: str) -> Cadre:
    cadre = await cadre_by_phone_hash(session, cipher.lookup_hash(validation.phone(phone)))
    if cadre is None:
        raise NotFound(f"no cadre with phone {phone}")
    return cadre


async def invite(
    session: AsyncSession, cipher: FieldCipher, *, phone: str, ttl_hours: int, actor: str = "cli"
) -> Invite:
    """Issue a one-time code for the cadre with this phone; only its hash is stored."""
    cadre = await _cadre_by_phone(session, cipher, phone)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    expires_at = datetime.now(UTC) + timedelta(hours=ttl_hours)
    session.add(
        CadreInvite(cadre_id=cadre.id, code_hash=_code_hash(cipher, code), expires_at=expires_at)
    )
    audit.record(session, actor=actor, action="cadre.invite", subject=f"cadre:{cadre.id}")
    return Invite(code, expires_at)


def _code_hash(cipher: FieldCipher, code: str) -> str:
    return cipher.lookup_hash("invite:" + code.strip().upper())


async def bind(
    session: AsyncSession, cipher: FieldCipher, *, code: str, telegram_user_id: int
) -> BindResult:
    """Bind a Telegram account to the cadre whose invite this is; failures are logged."""
    subject = f"tg:{telegram_user_id}"
    since = datetime.now(UTC) - timedelta(hours=1)
    failures = await count_audit(session, action="cadre.bind_failed", subject=subject, since=since)
    if failures >= MAX_FAILED_CODES_PER_HOUR:
        return BindResult("too-many-attempts")
    invitation = await invite_by_hash(session, _code_hash(cipher, code))
    now = datetime.now(UTC)
    if invitation is None or invitation.used_at is not None or invitation.expires_at < now:
        # Recorded, not raised: the failure must be committed to count towards the limit.
        audit.record(session, actor=subject, action="cadre.bind_failed", subject=subject)
        return BindResult("bad-code")
    if await graduate_by_user(session, telegram_user_id) is not None:
        return BindResult("graduate-account")
    cadre = await session.get(Cadre, invitation.cadre_id)
    invitation.used_at, cadre.telegram_user_id, cadre.bound_at = now, telegram_user_id, now
    audit.record(session, actor=subject, action="cadre.bind", subject=f"cadre:{cadre.id}")
    return BindResult("bound", cadre)

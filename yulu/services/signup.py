"""Sign-up (实名登记): a draft built answer by answer, then one graduate row, roster-matched.

The draft lives in the conversation state until confirmed, so phones and ID numbers in it are
already encrypted: nothing in the database is ever plaintext, not even half-way through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import InvalidInput
from yulu.services import audit, places, validation
from yulu.services.privacy import FieldCipher, mask_id_number, mask_phone
from yulu.storage.models import Cadre, EducationLevel, EmploymentStatus, Graduate, RosterEntry
from yulu.storage.people import (
    graduate_by_id_hash,
    graduate_by_user,
    roster_by_id_hash,
    roster_by_phone_and_name,
)

FIELDS = (
    "name",
    "phone",
    "id_number",
    "school",
    "major",
    "education",
    "hukou",
    "desired",
    "status",
)
Draft = dict[str, Any]


@dataclass(frozen=True)
class Accepted:
    """What an answer became, for the bot to confirm back (e.g. the place's full name)."""

    field: str
    shown: str


def start_draft(*, consent_version: str, now: datetime | None = None) -> Draft:
    """A new draft carrying the consent given (version and time)."""
    moment = now or datetime.now(UTC)
    return {"consent_version": consent_version, "consent_at": moment.isoformat()}


def next_field(draft: Draft) -> str | None:
    """The first field still unanswered, or None when the draft is complete."""
    return next((field for field in FIELDS if field not in draft), None)


def answer(draft: Draft, field: str, text: str | None, cipher: FieldCipher) -> Accepted:
    """Validate an answer for `field` and store it in the draft (raises InvalidInput)."""
    value = validation.text_answer(text)
    shown = _PARSERS[field](draft, value, cipher)
    return Accepted(field, shown)


def skip_id_number(draft: Draft) -> None:
    """The graduate chose not to give an ID number."""
    draft["id_number"] = None
    draft.pop("id_masked", None)


def _name(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    draft["name"] = validation.person_name(text)
    return draft["name"]


def _phone(draft: Draft, text: str, cipher: FieldCipher) -> str:
    number = validation.phone(text)
    draft["phone"] = cipher.encrypt(number).decode()
    draft["phone_masked"] = mask_phone(number)
    return draft["phone_masked"]


def _id_number(draft: Draft, text: str, cipher: FieldCipher) -> str:
    number = validation.id_number(text)
    draft["id_number"] = cipher.encrypt(number).decode()
    draft["id_masked"] = mask_id_number(number)
    return draft["id_masked"]


def _school(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    draft["school"] = validation.short_text(text, reason="school")
    return draft["school"]


def _major(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    draft["major"] = validation.short_text(text, reason="major", high=40)
    return draft["major"]


def _education(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    level, year = validation.education_and_year(text)
    draft["education"], draft["graduation_year"] = level.value, year
    return f"{level.value}:{year}"


def _hukou(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    place = places.county(text)
    draft["hukou"] = place.full_name
    return place.full_name


def _desired(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    place = places.any_level(text)
    draft["desired"] = place.full_name if place else None
    return place.full_name if place else ""


def _status(draft: Draft, text: str, _cipher: FieldCipher) -> str:
    draft["status"] = validation.employment_status(text).value
    return draft["status"]


_PARSERS = {
    "name": _name,
    "phone": _phone,
    "id_number": _id_number,
    "school": _school,
    "major": _major,
    "education": _education,
    "hukou": _hukou,
    "desired": _desired,
    "status": _status,
}


async def register(
    session: AsyncSession, cipher: FieldCipher, draft: Draft, *, telegram_user_id: int, chat_id: int
) -> Graduate:
    """Save a complete draft as a graduate (or update the one this account already has)."""
    if next_field(draft) is not None:
        raise ValueError(f"draft incomplete: {next_field(draft)} missing")
    graduate = await graduate_by_user(session, telegram_user_id)
    if graduate is None:  # added only once complete, so no half-filled row is ever flushed
        graduate = Graduate(telegram_user_id=telegram_user_id)
    graduate.chat_id = chat_id
    graduate.consent_version = draft["consent_version"]
    graduate.consent_at = datetime.fromisoformat(draft["consent_at"])
    await _apply(session, cipher, graduate, draft)
    session.add(graduate)
    await session.flush()
    audit.record(
        session,
        actor=f"tg:{telegram_user_id}",
        action="graduate.signup",
        subject=f"graduate:{graduate.id}",
        verified=graduate.verified,
    )
    return graduate


async def update_field(
    session: AsyncSession, cipher: FieldCipher, graduate: Graduate, field: str, text: str | None
) -> Accepted:
    """Change one profile field of a registered graduate (same validation as sign-up)."""
    draft: Draft = {}
    accepted = answer(draft, field, text, cipher)
    await _apply(session, cipher, graduate, draft)
    audit.record(
        session,
        actor=f"tg:{graduate.telegram_user_id}",
        action="graduate.update",
        subject=f"graduate:{graduate.id}",
        field=field,
    )
    return accepted


async def _apply(
    session: AsyncSession, cipher: FieldCipher, graduate: Graduate, draft: Draft
) -> None:
    """Copy the answered draft fields onto the graduate, then re-match the roster."""
    for field in ("name", "school", "major"):
        if field in draft:
            setattr(graduate, field, draft[field])
    if "phone" in draft:
        number = cipher.decrypt(draft["phone"].encode())
        graduate.phone_enc, graduate.phone_hash = cipher.encrypt(number), cipher.lookup_hash(number)
        graduate.phone_tail = number[-4:]
    if "id_number" in draft:
        await _apply_id_number(session, cipher, graduate, draft["id_number"])
    if "education" in draft:
        graduate.education_level = EducationLevel(draft["education"])
        graduate.graduation_year = draft["graduation_year"]
    if "hukou" in draft:
        graduate.hukou_region = await places.region_for(session, places.county(draft["hukou"]))
    if "desired" in draft:
        desired = draft["desired"]
        graduate.desired_region = (
            await places.region_for(session, places.resolve(desired)) if desired else None
        )
    if "status" in draft:
        graduate.status = EmploymentStatus(draft["status"])
    await match_roster(session, cipher, graduate)


async def _apply_id_number(
    session: AsyncSession, cipher: FieldCipher, graduate: Graduate, token: str | None
) -> None:
    if token is None:
        graduate.id_number_enc = graduate.id_number_hash = None
        return
    number = cipher.decrypt(token.encode())
    id_hash = cipher.lookup_hash(number)
    holder = await graduate_by_id_hash(session, id_hash)
    if holder is not None and holder is not graduate:
        raise InvalidInput("id-taken")
    graduate.id_number_enc, graduate.id_number_hash = token.encode(), id_hash


async def match_roster(session: AsyncSession, cipher: FieldCipher, graduate: Graduate) -> None:
    """Verify a graduate against the roster (ID number, else phone + name) and assign the cadre."""
    entry: RosterEntry | None = None
    if graduate.id_number_hash:
        entry = await roster_by_id_hash(session, graduate.id_number_hash)
    if entry is None and graduate.phone_hash and graduate.name:
        entry = await roster_by_phone_and_name(
            session, phone_hash=graduate.phone_hash, name=graduate.name
        )
    graduate.verified = entry is not None
    graduate.roster_entry_id = entry.id if entry else None
    if entry is not None and entry.cadre_id is not None:
        graduate.cadre = await session.get(Cadre, entry.cadre_id)


def draft_view(draft: Draft) -> dict[str, str]:
    """The draft's answers as shown in the summary (phones and IDs masked)."""
    return {
        "name": draft.get("name", ""),
        "phone": draft.get("phone_masked", ""),
        "id_number": draft.get("id_masked", ""),
        "school": draft.get("school", ""),
        "major": draft.get("major", ""),
        "education": draft.get("education", ""),
        "graduation_year": str(draft.get("graduation_year", "")),
        "hukou": draft.get("hukou", ""),
        "desired": draft.get("desired") or "",
        "status": draft.get("status", ""),
    }


def graduate_view(graduate: Graduate, cipher: FieldCipher) -> dict[str, str]:
    """A graduate's own profile as shown to them (masked, like everywhere)."""
    id_masked = (
        mask_id_number(cipher.decrypt(graduate.id_number_enc)) if graduate.id_number_enc else ""
    )
    return {
        "name": graduate.name,
        "phone": mask_phone(cipher.decrypt(graduate.phone_enc)),
        "id_number": id_masked,
        "school": graduate.school,
        "major": graduate.major,
        "education": graduate.education_level.value,
        "graduation_year": str(graduate.graduation_year),
        "hukou": graduate.hukou_region.full_name,
        "desired": graduate.desired_region.full_name if graduate.desired_region else "",
        "status": graduate.status.value,
        "verified": "yes" if graduate.verified else "no",
    }

"""The graduate ledger for staff: lists, full-record views (audit-logged) and exports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import NotFound
from yulu.core.i18n import Translator
from yulu.services import audit
from yulu.services.privacy import FieldCipher, mask_id_number, mask_phone
from yulu.services.tabular import table_writer
from yulu.storage.models import Graduate
from yulu.storage.people import graduates_query, stream

EXPORT_FIELDS = (
    "name",
    "phone",
    "id_number",
    "school",
    "major",
    "education",
    "graduation_year",
    "hukou",
    "desired",
    "status",
    "verified",
    "cadre",
)


def row_for(
    graduate: Graduate, cipher: FieldCipher, t: Translator, *, full: bool
) -> dict[str, str]:
    """One graduate as the ledger shows it; phones masked unless `full`."""
    phone = cipher.decrypt(graduate.phone_enc)
    return {
        "id": str(graduate.id),
        "name": graduate.name,
        "phone": phone if full else mask_phone(phone),
        "id_number": _id_number(graduate, cipher, full=full),
        "school": graduate.school,
        "major": graduate.major,
        "education": t(f"education-{graduate.education_level.value}"),
        "graduation_year": str(graduate.graduation_year),
        "hukou": graduate.hukou_region.full_name,
        "desired": graduate.desired_region.full_name
        if graduate.desired_region
        else t("place-anywhere"),
        "status": t(f"status-{graduate.status.value}"),
        "verified": t("yes") if graduate.verified else t("no"),
        "cadre": graduate.cadre.name if graduate.cadre else "",
    }


def _id_number(graduate: Graduate, cipher: FieldCipher, *, full: bool) -> str:
    if graduate.id_number_enc is None:
        return ""
    number = cipher.decrypt(graduate.id_number_enc)
    return number if full else mask_id_number(number)


async def iter_graduates(
    session: AsyncSession, *, unverified_only: bool = False, cadre_id: int | None = None
) -> AsyncIterator[Graduate]:
    """Graduates in id order, streamed in batches."""
    async for graduate in stream(
        session, graduates_query(unverified_only=unverified_only, cadre_id=cadre_id)
    ):
        yield graduate


async def full_record(
    session: AsyncSession, cipher: FieldCipher, t: Translator, graduate_id: int, *, actor: str
) -> dict[str, str]:
    """A graduate's unmasked record for authorised staff; every view is audit-logged."""
    graduate = await session.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound(f"graduate {graduate_id}")
    audit.record(
        session, actor=actor, action="graduate.view_full", subject=f"graduate:{graduate_id}"
    )
    return row_for(graduate, cipher, t, full=True)


async def export_graduates(
    session: AsyncSession, cipher: FieldCipher, t: Translator, path: Path, *, full: bool, actor: str
) -> int:
    """Write the ledger to CSV/XLSX with Chinese headers; `full` is audit-logged."""
    header = [t(f"column-{name}") for name in EXPORT_FIELDS]
    count = 0
    with table_writer(path, header) as write:
        async for graduate in iter_graduates(session):
            row = row_for(graduate, cipher, t, full=full)
            write([row[name] for name in EXPORT_FIELDS])
            count += 1
    audit.record(
        session,
        actor=actor,
        action="graduate.export_full" if full else "graduate.export",
        subject=path.name,
        rows=count,
    )
    return count

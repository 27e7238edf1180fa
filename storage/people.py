"""Queries over graduates, cadres, regions and roster rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import AuditLog, Cadre, CadreInvite, Graduate, Region, RosterEntry


async def graduate_by_user(session: AsyncSession, telegram_user_id: int) -> Graduate | None:
    """The graduate bound to a Telegram account."""
    return await session.scalar(
        select(Graduate).where(Graduate.telegram_user_id == telegram_user_id)
    )


async def graduate_by_id_hash(session: AsyncSession, id_hash: str) -> Graduate | None:
    """The graduate who gave this ID number (by its keyed hash)."""
    return await session.scalar(select(Graduate).where(Graduate.id_number_hash == id_hash))


async def cadre_by_user(session: AsyncSession, telegram_user_id: int) -> Cadre | None:
    """The cadre bound to a Telegram account."""
    return await session.scalar(select(Cadre).where(Cadre.telegram_user_id == telegram_user_id))


async def cadre_by_phone_hash(session: AsyncSession, phone_hash: str) -> Cadre | None:
    """The cadre with this phone (by its keyed hash)."""
    return await session.scalar(select(Cadre).where(Cadre.phone_hash == phone_hash))


async def region_by_name(session: AsyncSession, full_name: str) -> Region | None:
    """A region by its official full name."""
    return await session.scalar(select(Region).where(Region.full_name == full_name))


async def roster_by_id_hash(session: AsyncSession, id_hash: str) -> RosterEntry | None:
    """The roster row with this ID number hash."""
    return await session.scalar(select(RosterEntry).where(RosterEntry.id_number_hash == id_hash))


async def roster_by_phone_and_name(
    session: AsyncSession, *, phone_hash: str, name: str
) -> RosterEntry | None:
    """The roster row with this phone and name (the match when no ID number was given)."""
    return await session.scalar(
        select(RosterEntry)
        .where(RosterEntry.phone_hash == phone_hash, RosterEntry.name == name)
        .limit(1)
    )


async def roster_fingerprints(session: AsyncSession, id_hashes: Sequence[str]) -> dict[str, str]:
    """id_number_hash → fingerprint for the roster rows among `id_hashes`."""
    rows = await session.execute(
        select(RosterEntry.id_number_hash, RosterEntry.fingerprint).where(
            RosterEntry.id_number_hash.in_(id_hashes)
        )
    )
    return {id_hash: fingerprint for id_hash, fingerprint in rows}


async def invite_by_hash(session: AsyncSession, code_hash: str) -> CadreInvite | None:
    """An invite by the hash of its code."""
    return await session.scalar(select(CadreInvite).where(CadreInvite.code_hash == code_hash))


async def count_audit(session: AsyncSession, *, action: str, subject: str, since: datetime) -> int:
    """How many times `action` happened to `subject` since a moment."""
    return await session.scalar(
        select(func.count(AuditLog.id)).where(
            AuditLog.action == action, AuditLog.subject == subject, AuditLog.at >= since
        )
    )


def graduates_query(*, unverified_only: bool = False, cadre_id: int | None = None) -> Select:
    """Graduates in a stable order, optionally only unverified or only one cadre's."""
    query = select(Graduate).order_by(Graduate.id)
    if unverified_only:
        query = query.where(Graduate.verified.is_(False))
    if cadre_id is not None:
        query = query.where(Graduate.cadre_id == cadre_id)
    return query


async def stream(session: AsyncSession, query: Select, *, batch: int = 1000) -> AsyncIterator:
    """Yield rows of a query in batches, never loading the whole table."""
    result = await session.stream_scalars(query.execution_options(yield_per=batch))
    async for row in result:
        yield row


async def unverified_graduates_matching(
    session: AsyncSession, id_hashes: Sequence[str], phone_hashes: Sequence[str]
) -> Sequence[Graduate]:
    """Unverified graduates whose ID number or phone appears among the given hashes."""
    result = await session.scalars(
        select(Graduate).where(
            Graduate.verified.is_(False),
            or_(Graduate.id_number_hash.in_(id_hashes), Graduate.phone_hash.in_(phone_hashes)),
        )
    )
    return result.all()


def audit_query(
    *, since: datetime | None = None, actor: str | None = None, subject: str | None = None
) -> Select:
    """Audit entries, newest first: since a moment, by an actor or about a subject (substring)."""
    query = select(AuditLog).order_by(AuditLog.id.desc())
    if since is not None:
        query = query.where(AuditLog.at >= since)
    if actor:
        query = query.where(AuditLog.actor.contains(actor))
    if subject:
        query = query.where(AuditLog.subject.contains(subject))
    return query


async def assign_missing_cadres(session: AsyncSession, id_hashes: Sequence[str]) -> int:
    """Give verified graduates without a cadre the cadre their roster row now names."""
    rows = await session.execute(
        select(Graduate, RosterEntry.cadre_id)
        .join(RosterEntry, RosterEntry.id == Graduate.roster_entry_id)
        .where(
            RosterEntry.id_number_hash.in_(id_hashes),
            RosterEntry.cadre_id.is_not(None),
            Graduate.cadre_id.is_(None),
        )
    )
    count = 0
    for graduate, cadre_id in rows:
        graduate.cadre_id = cadre_id
        count += 1
    return count

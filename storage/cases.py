"""Queries over check-ins (the monthly ledger) and help cases (帮扶清单)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import (
    Cadre,
    CadreRole,
    Case,
    CaseReason,
    CaseStatus,
    CheckIn,
    Graduate,
    Region,
    SchedulerRun,
    utcnow,
)
from yulu.storage.queries import insert_for

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED)


def active_graduates(period: str) -> Select:
    """Graduates who get a check-in for `period`: reachable, subscribed, not paused past it."""
    return (
        select(Graduate.id, Graduate.chat_id, Graduate.name, Region.full_name)
        .join(Region, Region.id == Graduate.hukou_region_id)
        .where(
            Graduate.chat_id.is_not(None),
            Graduate.unsubscribed_at.is_(None),
            Graduate.unreachable_at.is_(None),
            (Graduate.paused_until.is_(None)) | (Graduate.paused_until < period),
        )
        .order_by(Graduate.id)
    )


async def add_check_ins(session: AsyncSession, rows: list[dict]) -> None:
    """Insert check-in rows, leaving existing (graduate, period) rows untouched."""
    if rows:  # executemany: compiled once, sent in batches (a VALUES list recompiles each time)
        statement = insert_for(session, CheckIn).on_conflict_do_nothing(
            index_elements=["graduate_id", "period"]
        )
        await session.execute(statement, [{"asked_at": utcnow(), **row} for row in rows])


async def check_in_for(session: AsyncSession, graduate_id: int, period: str) -> CheckIn | None:
    """One graduate's check-in for a month."""
    return await session.scalar(
        select(CheckIn).where(CheckIn.graduate_id == graduate_id, CheckIn.period == period)
    )


async def latest_check_in(session: AsyncSession, graduate_id: int) -> CheckIn | None:
    """The newest check-in row of a graduate."""
    return await session.scalar(
        select(CheckIn)
        .where(CheckIn.graduate_id == graduate_id)
        .order_by(CheckIn.period.desc())
        .limit(1)
    )


def unanswered_due_reminder(period: str, asked_before: datetime) -> Select:
    """Check-ins of a period asked long enough ago, unanswered and not yet reminded."""
    return (
        select(CheckIn.id, CheckIn.graduate_id, Graduate.chat_id, Graduate.name)
        .join(Graduate, Graduate.id == CheckIn.graduate_id)
        .where(
            CheckIn.period == period,
            CheckIn.answered_at.is_(None),
            CheckIn.reminded_at.is_(None),
            CheckIn.asked_at <= asked_before,
            Graduate.unsubscribed_at.is_(None),
            Graduate.unreachable_at.is_(None),
        )
        .order_by(CheckIn.id)
    )


async def silent_graduates(session: AsyncSession, periods: Sequence[str]) -> Sequence[int]:
    """Graduates asked in every one of `periods` who answered none (失联 candidates)."""
    query = (
        select(CheckIn.graduate_id)
        .where(CheckIn.period.in_(periods))
        .group_by(CheckIn.graduate_id)
        .having(and_(func.count(CheckIn.id) == len(periods), func.count(CheckIn.answered_at) == 0))
    )
    return (await session.scalars(query)).all()


async def open_case_for(session: AsyncSession, graduate_id: int, reason: CaseReason) -> Case | None:
    """The graduate's open case for this reason, if any."""
    return await session.scalar(
        select(Case).where(
            Case.graduate_id == graduate_id, Case.reason == reason, Case.status.in_(OPEN_STATUSES)
        )
    )


def cases_query(
    *, open_only: bool = False, cadre_id: int | None = None, region: str | None = None
) -> Select:
    """Cases newest first, optionally only open ones, one cadre's, or a region's (by name)."""
    query = select(Case).order_by(Case.id.desc())
    if open_only:
        query = query.where(Case.status.in_(OPEN_STATUSES))
    if cadre_id is not None:
        query = query.where(Case.cadre_id == cadre_id)
    if region:
        query = (
            query.join(Graduate, Graduate.id == Case.graduate_id)
            .join(Region, Region.id == Graduate.hukou_region_id)
            .where(Region.full_name.contains(region))
        )
    return query


def unacknowledged_since(cutoff: datetime) -> Select:
    """Open cases never acknowledged, opened before `cutoff`."""
    return select(Case).where(Case.status == CaseStatus.OPEN, Case.opened_at <= cutoff)


async def county_admin(session: AsyncSession, region_id: int) -> Cadre | None:
    """The administrator of a graduate's county (or, failing that, of its city or province)."""
    region = await session.get(Region, region_id)
    if region is None:
        return None
    query = (
        select(Cadre)
        .join(Region, Region.id == Cadre.region_id)
        .where(
            Cadre.role == CadreRole.ADMIN,
            Cadre.telegram_user_id.is_not(None),
            Region.province == region.province,
        )
        .order_by((Region.county == region.county).desc(), (Region.city == region.city).desc())
        .limit(1)
    )
    return await session.scalar(query)


async def last_run(session: AsyncSession, job: str) -> str | None:
    """The period a scheduled job last ran for."""
    row = await session.get(SchedulerRun, job)
    return row.period if row else None


async def mark_run(session: AsyncSession, job: str, period: str) -> None:
    """Remember that a scheduled job ran for a period."""
    statement = insert_for(session, SchedulerRun).values(job=job, period=period)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["job"], set_={"period": period, "ran_at": utcnow()}
        )
    )

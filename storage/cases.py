"""Queries over check-ins (the monthly ledger) and help cases (帮扶清单)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import (
    Cadre,
    CadreRole,
    Case,
    CaseEvent,
    CaseReason,
    CaseStatus,
    CheckIn,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    PhoneReveal,
    Region,
    SchedulerRun,
    StaffLevel,
    utcnow,
)
from yulu.storage.queries import insert_for

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED, CaseStatus.FOLLOWING)


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
    *,
    open_only: bool = False,
    cadre_id: int | None = None,
    region: str | None = None,
    stuck_only: bool = False,
) -> Select:
    """Cases newest first: only open ones, one cadre's, a region's (by name), or stuck ones."""
    query = select(Case).order_by(Case.id.desc())
    if open_only or stuck_only:
        query = query.where(Case.status.in_(OPEN_STATUSES))
    if stuck_only:
        query = query.where(Case.stuck_at.is_not(None))
    if cadre_id is not None:  # owned, or escalated to this person on the chain
        escalated = select(CaseEvent.case_id).where(
            CaseEvent.action == "escalated", CaseEvent.note == f"cadre:{cadre_id}"
        )
        query = query.where(or_(Case.cadre_id == cadre_id, Case.id.in_(escalated)))
    if region:
        query = (
            query.join(Graduate, Graduate.id == Case.graduate_id)
            .join(Region, Region.id == Graduate.hukou_region_id)
            .where(Region.full_name.contains(region))
        )
    return query


def cases_held_by(cadre_id: int) -> Select:
    """Unfinished cases this cadre owns or was alerted to up the chain (candidates: the chain
    tells whether the case is still waiting on them)."""
    sent_up = exists().where(
        CaseEvent.case_id == Case.id,
        CaseEvent.action.in_(("alerted", "escalated")),
        CaseEvent.note == f"cadre:{cadre_id}",
    )
    return (
        select(Case)
        .where(Case.status.in_(OPEN_STATUSES), or_(Case.cadre_id == cadre_id, sent_up))
        .order_by(Case.id)
    )


def overdue_cases(*, now: datetime, ack_cutoff: datetime, resolve_cutoff: datetime) -> Select:
    """Open cases whose current stage began before its SLA cutoff, or that are stuck."""
    since = func.coalesce(Case.stage_since, Case.opened_at)
    return (
        select(Case)
        .where(
            or_(
                and_(Case.status == CaseStatus.OPEN, since <= ack_cutoff),
                and_(
                    Case.status.in_((CaseStatus.ACKNOWLEDGED, CaseStatus.FOLLOWING)),
                    since <= resolve_cutoff,
                ),
                and_(Case.status.in_(OPEN_STATUSES), Case.stuck_at.is_not(None)),
            )
        )
        .order_by(Case.id)
    )


async def count_stuck(session: AsyncSession) -> int:
    """Open cases that reached nobody who can be messaged."""
    return await session.scalar(
        select(func.count(Case.id)).where(
            Case.status.in_(OPEN_STATUSES), Case.stuck_at.is_not(None)
        )
    )


async def admins_over(session: AsyncSession, region: Region) -> list[Cadre]:
    """The administrators of a county, its city and its province, bound ones first at each level.

    Only the graduate's own county, city and province: never a neighbour in the same province.
    """
    levels = [
        (StaffLevel.COUNTY, Region.id == region.id),
        (
            StaffLevel.CITY,
            and_(
                Region.province == region.province,
                Region.city == region.city,
                Region.county.is_(None),
            ),
        ),
        (
            StaffLevel.PROVINCE,
            and_(
                Region.province == region.province, Region.city.is_(None), Region.county.is_(None)
            ),
        ),
    ]
    found = []
    for level, where in levels:
        if level is StaffLevel.CITY and region.city is None:
            continue
        admin = await session.scalar(
            select(Cadre)
            .join(Region, Region.id == Cadre.region_id)
            .where(Cadre.role == CadreRole.ADMIN, where)
            .order_by(Cadre.telegram_user_id.is_(None), Cadre.id)
            .limit(1)
        )
        if admin is not None:
            found.append(admin)
    return found


async def county_admin(session: AsyncSession, region_id: int) -> Cadre | None:
    """The administrator of exactly this county (bound ones first), or None."""
    region = await session.get(Region, region_id)
    if region is None:
        return None
    admins = await admins_over(session, region)
    return admins[0] if admins and admins[0].region_id == region.id else None


def in_scope(cadre: Cadre, region: Region) -> bool:
    """Whether a cadre works inside the graduate's own county, city or province."""
    own = cadre.region
    if own is None or own.province != region.province:
        return False
    return own.city in (None, region.city) and own.county in (None, region.county)


async def case_events(session: AsyncSession, case_id: int) -> Sequence[CaseEvent]:
    """Every step of a case, oldest first."""
    return (
        await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
    ).all()


async def case_messages(session: AsyncSession, case_id: int) -> Sequence[tuple[int, int]]:
    """(chat, message) of every alert about a case that Telegram accepted."""
    rows = await session.execute(
        select(OutboxMessage.chat_id, OutboxMessage.telegram_message_id).where(
            OutboxMessage.idempotency_key.startswith(f"case:{case_id}:alert:"),  # not notices
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.telegram_message_id.is_not(None),
        )
    )
    return [(chat, message) for chat, message in rows]


async def refresh_queued_alerts(
    session: AsyncSession, case_id: int, *, text: str, buttons: list | None
) -> None:
    """Alerts about a case still waiting to be sent go out with its current state."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.idempotency_key.startswith(f"case:{case_id}:alert:"),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(text=text, buttons=buttons)
    )


async def due_reveals(session: AsyncSession, now: datetime) -> Sequence[PhoneReveal]:
    """Phone numbers shown in a chat whose time to be masked again has come."""
    return (
        await session.scalars(
            select(PhoneReveal)
            .where(PhoneReveal.masked_at.is_(None), PhoneReveal.mask_at <= now)
            .order_by(PhoneReveal.id)
        )
    ).all()


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

"""Queries the staff console (工作台) reads: scoped people and cases, history, figures, sign-in.

Every list is narrowed by a `Reach` (whose people a staff member may see) inside the SQL, so a
page can never hold a row outside its scope. Sign-in links and codes are one-time secrets kept
only as hashes in ``cadre_invite`` (their hash namespaces differ from the Telegram invites');
web sessions are keyed rows in ``conversation_state`` (``web-session:<hash>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    delete,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.campaigns import CampaignAnswer
from yulu.storage.ledger import LabourEntry
from yulu.storage.models import (
    AuditLog,
    Cadre,
    CadreInvite,
    Case,
    CaseEvent,
    CaseReason,
    CaseStatus,
    CheckIn,
    ConversationState,
    EmploymentStatus,
    Graduate,
    Region,
    RosterEntry,
    utcnow,
)
from yulu.storage.postings import JobInterest, JobNotice, Posting
from yulu.storage.queries import insert_for

SESSION_PREFIX = "web-session:"


@dataclass(frozen=True)
class Reach:
    """Whose people a staff member may open: one cadre's, a region's, or cases sent up to them.

    `cadre_id` alone: own graduates and cases. `province`/`city`/`county`: everyone whose 户籍地
    lies in that region. `escalated_to`: only people whose case was escalated to that cadre (a
    city or province administrator, who otherwise sees aggregates).
    """

    cadre_id: int | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    escalated_to: int | None = None


def _regions(reach: Reach) -> Select:
    """The ids of the regions inside the reach's province, city or county."""
    conditions = [Region.province == reach.province]
    if reach.city:
        conditions.append(Region.city == reach.city)
    if reach.county:
        conditions.append(Region.county == reach.county)
    return select(Region.id).where(*conditions)


def _in_region(reach: Reach) -> ColumnElement[bool]:
    """Graduate.hukou_region_id lies in the reach's region."""
    return Graduate.hukou_region_id.in_(_regions(reach))


def _escalated(cadre_id: int) -> ColumnElement[bool]:
    """Case owned by this cadre, or sent to them up the chain (alerted or escalated)."""
    sent_up = exists().where(
        CaseEvent.case_id == Case.id,
        CaseEvent.action.in_(("alerted", "escalated")),
        CaseEvent.note == f"cadre:{cadre_id}",
    )
    return or_(Case.cadre_id == cadre_id, sent_up)


def graduate_in_reach(reach: Reach) -> ColumnElement[bool]:
    """The condition on Graduate for people this reach may open."""
    if reach.escalated_to is not None:
        cases = select(Case.graduate_id).where(_escalated(reach.escalated_to))
        return Graduate.id.in_(cases)
    if reach.province:
        return _in_region(reach)
    if reach.cadre_id is not None:
        owned = select(Case.graduate_id).where(Case.cadre_id == reach.cadre_id)
        return or_(Graduate.cadre_id == reach.cadre_id, Graduate.id.in_(owned))
    return false()


def figures_in_reach(reach: Reach) -> ColumnElement[bool]:
    """The condition on Graduate for the figures: the region for every administrator."""
    if reach.province:
        return _in_region(reach)
    if reach.cadre_id is not None:
        return Graduate.cadre_id == reach.cadre_id
    return false()


def case_in_reach(reach: Reach) -> ColumnElement[bool]:
    """The condition on Case for cases this reach may open."""
    if reach.escalated_to is not None:
        return _escalated(reach.escalated_to)
    if reach.province:
        return Case.graduate_id.in_(select(Graduate.id).where(_in_region(reach)))
    if reach.cadre_id is not None:
        return Case.cadre_id == reach.cadre_id
    return false()


# --- people (台账) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleFilter:
    """The 台账's search and filters; `phone_hash`/`id_hash` come from the look-up hash."""

    name: str | None = None
    phone_hash: str | None = None
    id_hash: str | None = None
    status: EmploymentStatus | None = None
    graduation_year: int | None = None
    verified: bool | None = None


def people_query(reach: Reach, wanted: PeopleFilter) -> Select:
    """Graduates in reach matching the filter, in id order."""
    query = select(Graduate).where(graduate_in_reach(reach)).order_by(Graduate.id)
    if wanted.name:
        query = query.where(Graduate.name.contains(wanted.name, autoescape=True))
    if wanted.phone_hash:
        query = query.where(Graduate.phone_hash == wanted.phone_hash)
    if wanted.id_hash:
        query = query.where(Graduate.id_number_hash == wanted.id_hash)
    if wanted.status is not None:
        query = query.where(Graduate.status == wanted.status)
    if wanted.graduation_year is not None:
        query = query.where(Graduate.graduation_year == wanted.graduation_year)
    if wanted.verified is not None:
        query = query.where(Graduate.verified.is_(wanted.verified))
    return query


def unmatched_roster_queries(reach: Reach, wanted: PeopleFilter) -> list[Select]:
    """Roster rows (学籍/帮扶名单, 新成长劳动力) in the reach's region that no sign-up was matched
    to, for a search by name, phone or ID number (the 台账 knows them before they sign up).

    Only a region's staff see them, and only when searching: they have no status to filter by.
    """
    searched = wanted.name or wanted.phone_hash or wanted.id_hash
    if not reach.province or not searched or wanted.status or wanted.verified is not None:
        return []
    queries = []
    years = {RosterEntry: RosterEntry.graduation_year, LabourEntry: LabourEntry.leaving_year}
    for model, year in years.items():
        query = (
            select(model, Region.full_name)
            .join(Region, Region.id == model.hukou_region_id)
            .where(model.hukou_region_id.in_(_regions(reach)))
            .order_by(model.id)
        )
        if model is RosterEntry:
            signed_up = exists().where(Graduate.roster_entry_id == RosterEntry.id)
        else:
            signed_up = exists().where(Graduate.id_number_hash == LabourEntry.id_number_hash)
        query = query.where(~signed_up)
        if wanted.name:
            query = query.where(model.name.contains(wanted.name, autoescape=True))
        if wanted.phone_hash:
            query = query.where(model.phone_hash == wanted.phone_hash)
        if wanted.id_hash:
            query = query.where(model.id_number_hash == wanted.id_hash)
        if wanted.graduation_year is not None:
            query = query.where(year == wanted.graduation_year)
        queries.append(query)
    return queries


async def rows_of(session: AsyncSession, query: Select, *, limit: int) -> list[Any]:
    """The first rows (tuples) of a query."""
    return list((await session.execute(query.limit(limit))).all())


async def count_rows(session: AsyncSession, query: Select) -> int:
    """How many rows a query returns."""
    return await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


async def page_of(session: AsyncSession, query: Select, *, page: int, size: int) -> list[Any]:
    """One page (1-based) of a query's entities."""
    return list((await session.scalars(query.offset((page - 1) * size).limit(size))).all())


async def graduate_in(session: AsyncSession, reach: Reach, graduate_id: int) -> bool:
    """True when the graduate exists and lies in reach."""
    query = select(Graduate.id).where(Graduate.id == graduate_id, graduate_in_reach(reach))
    return await session.scalar(query) is not None


async def check_ins_of(session: AsyncSession, graduate_id: int) -> Sequence[CheckIn]:
    """A graduate's monthly status history, newest first."""
    query = select(CheckIn).where(CheckIn.graduate_id == graduate_id)
    return (await session.scalars(query.order_by(CheckIn.period.desc()).limit(36))).all()


async def cases_of(session: AsyncSession, graduate_id: int) -> Sequence[Case]:
    """A graduate's cases, newest first."""
    query = select(Case).where(Case.graduate_id == graduate_id).order_by(Case.id.desc())
    return (await session.scalars(query)).all()


async def notices_of(session: AsyncSession, graduate_id: int) -> Sequence[Any]:
    """Job notices sent to a graduate, with the posting and whether they were interested."""
    interested = exists().where(
        JobInterest.graduate_id == JobNotice.graduate_id,
        JobInterest.posting_id == JobNotice.posting_id,
    )
    query = (
        select(JobNotice.created_at, Posting.employer, Posting.title, Posting.place, interested)
        .join(Posting, Posting.id == JobNotice.posting_id)
        .where(JobNotice.graduate_id == graduate_id)
        .order_by(JobNotice.id.desc())
        .limit(50)
    )
    return (await session.execute(query)).all()


async def interest_of(session: AsyncSession, graduate_id: int) -> Sequence[JobInterest]:
    """A graduate's 感兴趣/报名, newest first."""
    query = select(JobInterest).where(JobInterest.graduate_id == graduate_id)
    return (await session.scalars(query.order_by(JobInterest.id.desc()).limit(50))).all()


async def answers_of(session: AsyncSession, graduate_id: int) -> Sequence[CampaignAnswer]:
    """A graduate's campaign answers, newest first."""
    query = select(CampaignAnswer).where(CampaignAnswer.graduate_id == graduate_id)
    return (await session.scalars(query.order_by(CampaignAnswer.answered_at.desc()))).all()


# --- cases (帮扶清单) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    """The inbox filters; `opened_before` is the age filter, `overdue_before` the SLA one."""

    statuses: tuple[CaseStatus, ...] = ()
    reason: CaseReason | None = None
    opened_after: datetime | None = None
    opened_before: datetime | None = None
    overdue_before: datetime | None = None


def cases_query(reach: Reach, wanted: CaseFilter) -> Select:
    """Cases in reach matching the filter, oldest open first within newest-first ids."""
    query = select(Case).where(case_in_reach(reach)).order_by(Case.id.desc())
    if wanted.statuses:
        query = query.where(Case.status.in_(wanted.statuses))
    if wanted.reason is not None:
        query = query.where(Case.reason == wanted.reason)
    if wanted.opened_after is not None:
        query = query.where(Case.opened_at >= wanted.opened_after)
    if wanted.opened_before is not None:
        query = query.where(Case.opened_at < wanted.opened_before)
    if wanted.overdue_before is not None:
        query = query.where(Case.status == CaseStatus.OPEN, Case.opened_at < wanted.overdue_before)
    return query


async def case_in(session: AsyncSession, reach: Reach, case_id: int) -> bool:
    """True when the case exists and lies in reach."""
    query = select(Case.id).where(Case.id == case_id, case_in_reach(reach))
    return await session.scalar(query) is not None


# --- figures (概览) --------------------------------------------------------------------------


async def status_counts(session: AsyncSession, reach: Reach) -> dict[str, int]:
    """Graduates in the figures' scope per employment status."""
    query = (
        select(Graduate.status, func.count(Graduate.id))
        .where(figures_in_reach(reach))
        .group_by(Graduate.status)
    )
    return {status.value: count for status, count in (await session.execute(query)).tuples()}


async def monthly_check_ins(
    session: AsyncSession, reach: Reach, periods: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Per period: asked, answered, and answered employed or self-employed."""
    working = (EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED)
    query = (
        select(
            CheckIn.period,
            func.count(CheckIn.id),
            func.count(CheckIn.answered_at),
            func.count(CheckIn.id).filter(CheckIn.status.in_(working)),
        )
        .join(Graduate, Graduate.id == CheckIn.graduate_id)
        .where(figures_in_reach(reach), CheckIn.period.in_(periods))
        .group_by(CheckIn.period)
    )
    rows = (await session.execute(query)).tuples()
    return {p: {"asked": a, "answered": n, "working": w} for p, a, n, w in rows}


async def case_figures(
    session: AsyncSession, reach: Reach, *, overdue_before: datetime
) -> dict[str, int]:
    """Open, overdue (unacknowledged past the SLA) and resolved cases in reach."""
    scoped = case_in_reach(reach)
    query = select(
        func.count(Case.id).filter(Case.status != CaseStatus.RESOLVED),
        func.count(Case.id).filter(
            and_(Case.status == CaseStatus.OPEN, Case.opened_at < overdue_before)
        ),
        func.count(Case.id).filter(Case.status == CaseStatus.RESOLVED),
    ).where(scoped)
    open_, overdue, resolved = (await session.execute(query)).one()
    return {"open": open_, "overdue": overdue, "resolved": resolved}


async def cases_opened_since(
    session: AsyncSession, reach: Reach, since: datetime
) -> Sequence[datetime]:
    """When each case in reach opened since a moment (bucketed by month in Python)."""
    query = select(Case.opened_at).where(case_in_reach(reach), Case.opened_at >= since)
    return (await session.scalars(query)).all()


# --- audit log -------------------------------------------------------------------------------


def audit_query(
    *, action: str | None = None, actor: str | None = None, area: Reach | None = None
) -> Select:
    """The audit log newest first, optionally one action prefix, one actor, one area.

    `area` (an administrator's region): only what concerns that region — done to one of its
    graduates, their cases or its staff, or done by its staff. An entry tied to no person
    (an operator's import of a file) belongs to no area: `yulu audit list` shows everything.
    """
    query = select(AuditLog).order_by(AuditLog.id.desc())
    if area is not None:
        query = query.where(_audit_in_area(area))
    if action:
        query = query.where(AuditLog.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditLog.actor == actor)
    return query


def _audit_in_area(area: Reach) -> ColumnElement[bool]:
    """An audit entry about a graduate, case or staff member of the area, or by its staff."""
    regions = _regions(area)

    def named(prefix: str, id_column: Any) -> Any:  # "graduate:12", as the log writes it
        return literal(prefix) + cast(id_column, String)

    graduates = select(named("graduate:", Graduate.id)).where(Graduate.hukou_region_id.in_(regions))
    cases = (
        select(named("case:", Case.id))
        .join(Graduate, Graduate.id == Case.graduate_id)
        .where(Graduate.hukou_region_id.in_(regions))
    )
    staff = select(named("cadre:", Cadre.id)).where(Cadre.region_id.in_(regions))
    by_console_staff = exists().where(  # "web:cadre:7:赵主任"
        Cadre.region_id.in_(regions),
        AuditLog.actor.startswith(named("web:cadre:", Cadre.id) + ":"),
    )
    return or_(
        AuditLog.subject.in_(graduates),
        AuditLog.subject.in_(cases),
        AuditLog.subject.in_(staff),
        AuditLog.actor.in_(graduates),
        AuditLog.actor.in_(staff),  # a cadre acting in Telegram
        by_console_staff,
    )


async def last_audit(
    session: AsyncSession, *, actions: Sequence[str], subject: str
) -> Sequence[AuditLog]:
    """The newest audit rows of these actions on a subject (newest first, at most 50)."""
    query = (
        select(AuditLog)
        .where(AuditLog.action.in_(actions), AuditLog.subject == subject)
        .order_by(AuditLog.id.desc())
        .limit(50)
    )
    return (await session.scalars(query)).all()


# --- sign-in secrets and sessions ----------------------------------------------------------


async def put_secret(
    session: AsyncSession, *, cadre_id: int, secret_hash: str, expires_at: datetime
) -> None:
    """Store a one-time secret's hash (a reissued identical code is reset, not duplicated)."""
    statement = insert_for(session, CadreInvite).values(
        cadre_id=cadre_id, code_hash=secret_hash, expires_at=expires_at, created_at=utcnow()
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["code_hash"],
            set_={"cadre_id": cadre_id, "expires_at": expires_at, "used_at": None},
        )
    )


async def secret_by_hash(session: AsyncSession, secret_hash: str) -> CadreInvite | None:
    """A stored one-time secret by its hash, locked for the caller's transaction."""
    query = select(CadreInvite).where(CadreInvite.code_hash == secret_hash)
    return await session.scalar(query.with_for_update())


async def session_row(session: AsyncSession, key: str) -> ConversationState | None:
    """A web session's row (populated fresh)."""
    query = select(ConversationState).where(ConversationState.key == SESSION_PREFIX + key)
    return await session.scalar(query.execution_options(populate_existing=True))


async def put_session(session: AsyncSession, key: str, data: dict[str, Any]) -> None:
    """Create a web session row."""
    session.add(ConversationState(key=SESSION_PREFIX + key, state="web", data=data))


async def drop_idle_sessions(session: AsyncSession, *, idle_since: datetime) -> int:
    """End every web session untouched since `idle_since` (a signed-out browser never returns)."""
    result = await session.execute(
        delete(ConversationState).where(
            ConversationState.key.startswith(SESSION_PREFIX, autoescape=True),
            ConversationState.updated_at < idle_since,
        )
    )
    return result.rowcount


async def drop_session(session: AsyncSession, key: str) -> None:
    """End a web session."""
    await session.execute(
        delete(ConversationState).where(ConversationState.key == SESSION_PREFIX + key)
    )

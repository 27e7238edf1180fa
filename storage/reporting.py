"""Queries of the ledger (台账) and its figures: every person the county knows, and counts.

A *person* is one of three kinds, and each person is counted once:

- ``roster``: a row of the 雨露计划 roster, with the graduate who signed up and was matched to it
  (the first, when two accounts matched the same row);
- ``labour``: a row of the 新成长劳动力 roster not also in the 雨露计划 roster, with the graduate
  who signed up with the same ID number, if any;
- ``signup``: a graduate who signed up and is neither of the above (unverified); a second
  account matched to an already matched roster row is the same person, counted with the row.

Everything that touches all people either pages by id (the ledger, in batches) or lets the
database group and count (the figures): Python only ever holds one batch or the group counts.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Index,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    and_,
    any_,
    case,
    cast,
    exists,
    false,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from yulu.storage.campaigns import CampaignAnswer
from yulu.storage.ledger import LabourEntry
from yulu.storage.models import (
    Cadre,
    Case,
    CheckIn,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    Region,
    RosterEntry,
)
from yulu.storage.postings import JobInterest, JobNotice, Posting

KINDS = ("roster", "labour", "signup")
DIMENSIONS = ("county", "school", "major", "year", "household", "relocated", "key_county")


@dataclass(frozen=True)
class Scope:
    """A region to report on: a province, a city or a county (None: everywhere)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None

    def clauses(self) -> list[Any]:
        """WHERE clauses on `region` that keep only this scope."""
        parts = ((Region.province, self.province), (Region.city, self.city))
        clauses = [column == value for column, value in parts if value is not None]
        if self.county is not None:
            clauses.append(Region.county == self.county)
        return clauses


def _first_graduate() -> Any:
    """roster_entry_id → the first graduate matched to it (one person, however many accounts)."""
    return (
        select(Graduate.roster_entry_id.label("rid"), func.min(Graduate.id).label("gid"))
        .where(Graduate.roster_entry_id.is_not(None))
        .group_by(Graduate.roster_entry_id)
        .subquery("first_match")
    )


def _reachable(g: Any) -> Any:
    return and_(
        g.id.is_not(None),
        g.chat_id.is_not(None),
        g.unreachable_at.is_(None),
        g.unsubscribed_at.is_(None),
    )


def _columns(
    kind: str,
    person: Any,
    g: Any,
    *,
    school: Any,
    major: Any,
    education: Any,
    year: Any,
    household: Any,
    relocated: Any,
    cadre_id: Any,
    phone: Any,
    detail: bool,
) -> list[Any]:
    columns = [
        literal(kind).label("kind"),
        person.id.label("person_id"),
        g.id.label("graduate_id"),
        Region.full_name.label("region"),
        Region.key_county.label("key_county"),
        school.label("school"),
        major.label("major"),
        year.label("graduation_year"),
        household.label("household_type"),
        relocated.label("relocated"),
        func.coalesce(g.verified, false()).label("verified"),
        case((_reachable(g), 1), else_=0).label("reachable"),
    ]
    if detail:
        columns += [
            person.name.label("name"),
            phone.label("phone_enc"),
            person.id_number_enc.label("id_number_enc"),
            cast(education, String).label("education"),
            cadre_id.label("cadre_id"),
            g.chat_id.label("chat_id"),
            g.unreachable_at.label("unreachable_at"),
            g.unsubscribed_at.label("unsubscribed_at"),
            cast(g.status, String).label("status"),
        ]
    return columns


def _roster_people(scope: Scope, *, detail: bool) -> Select:
    g, first = aliased(Graduate), _first_graduate()
    r = RosterEntry
    columns = _columns(
        "roster",
        r,
        g,
        school=r.school,
        major=r.major,
        education=r.education_level,
        year=r.graduation_year,
        household=r.household_type,
        relocated=r.relocated,
        cadre_id=func.coalesce(r.cadre_id, g.cadre_id),
        phone=func.coalesce(r.phone_enc, g.phone_enc),
        detail=detail,
    )
    query = select(*columns).join(Region, Region.id == r.hukou_region_id)
    if detail:  # a batch of the ledger: each row's first graduate by index (no earlier one)
        columns.append(null().label("intention"))
        earlier = aliased(Graduate)
        first = and_(
            g.roster_entry_id == r.id,
            ~exists().where(earlier.roster_entry_id == r.id, earlier.id < g.id),
        )
        query = select(*columns).join(Region, Region.id == r.hukou_region_id)
        return query.outerjoin(g, first).where(*scope.clauses())
    query = query.outerjoin(first, first.c.rid == r.id).outerjoin(g, g.id == first.c.gid)
    return query.where(*scope.clauses())


def _labour_people(scope: Scope, *, detail: bool) -> Select:
    g, lab = aliased(Graduate), LabourEntry
    columns = _columns(
        "labour",
        lab,
        g,
        school=lab.school,
        major=literal(""),
        education=lab.stage,
        year=lab.leaving_year,
        household=lab.household_type,
        relocated=lab.relocated,
        cadre_id=func.coalesce(lab.cadre_id, g.cadre_id),
        phone=func.coalesce(lab.phone_enc, g.phone_enc),
        detail=detail,
    )
    if detail:
        columns.append(lab.intention.label("intention"))
    in_roster = exists().where(RosterEntry.id_number_hash == lab.id_number_hash)
    return (
        select(*columns)
        .join(Region, Region.id == lab.hukou_region_id)
        .outerjoin(g, g.id_number_hash == lab.id_number_hash)
        .where(~in_roster, *scope.clauses())
    )


def _signup_people(scope: Scope, *, detail: bool) -> Select:
    g = Graduate
    columns = _columns(
        "signup",
        g,
        g,
        school=g.school,
        major=g.major,
        education=g.education_level,
        year=g.graduation_year,
        household=literal(""),
        relocated=false(),
        cadre_id=g.cadre_id,
        phone=g.phone_enc,
        detail=detail,
    )
    if detail:
        columns.append(null().label("intention"))
    in_labour = exists().where(
        LabourEntry.id_number_hash == g.id_number_hash,
        ~exists().where(RosterEntry.id_number_hash == LabourEntry.id_number_hash),
    )
    # A second account matched to a roster row is the same person: the roster row counts once.
    return (
        select(*columns)
        .join(Region, Region.id == g.hukou_region_id)
        .where(g.roster_entry_id.is_(None), ~in_labour, *scope.clauses())
    )


PARTS = {"roster": _roster_people, "labour": _labour_people, "signup": _signup_people}
PERSON_TABLE = {"roster": RosterEntry, "labour": LabourEntry, "signup": Graduate}


@lru_cache(maxsize=64)
def people_query(scope: Scope, *, detail: bool = False) -> Any:
    """Every person in scope (all three kinds) as one UNION ALL, for counting and grouping.

    Built once per scope: statements are immutable, and reusing one lets SQLAlchemy's compiled
    cache serve every figure of a report.
    """
    return union_all(*(part(scope, detail=detail) for part in PARTS.values()))


@lru_cache(maxsize=64)
def _people_part(kind: str, scope: Scope) -> Select:
    table = PERSON_TABLE[kind]
    return PARTS[kind](scope, detail=True).order_by(table.id)


async def people_batch(
    session: AsyncSession, scope: Scope, *, kind: str, after: int, limit: int
) -> Sequence[Row]:
    """The next `limit` people of one kind after person id `after`, in id order (with detail)."""
    query = _people_part(kind, scope).where(PERSON_TABLE[kind].id > after)
    return (await session.execute(query.limit(limit))).all()


# --- per-person detail for one batch of the ledger ----------------------------------------


def _among(session: AsyncSession, column: Any, ids: Sequence[int]) -> Any:
    """column IN ids; on PostgreSQL as = ANY(one array), which keeps the index plan for every
    batch (a thousand separate parameters can turn into a sequential scan once the prepared
    statement goes generic)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(list(ids), ARRAY(Integer)))
    return column.in_(ids)


async def check_ins_of(
    session: AsyncSession, graduate_ids: Sequence[int], *, first: str, last: str
) -> Sequence[Row]:
    """The check-ins of these graduates in months first..last (YYYY-MM), oldest first."""
    return (
        await session.execute(
            select(
                CheckIn.graduate_id,
                CheckIn.period,
                CheckIn.status,
                CheckIn.answered_at.is_not(None).label("answered"),
                CheckIn.income_band,
                CheckIn.stable,
            )
            .where(
                _among(session, CheckIn.graduate_id, graduate_ids),
                CheckIn.period >= first,
                CheckIn.period <= last,
            )
            .order_by(CheckIn.graduate_id, CheckIn.period)
        )
    ).all()


async def case_counts_of(
    session: AsyncSession, graduate_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """graduate id → (cases opened, cases resolved)."""
    rows = await session.execute(
        select(Case.graduate_id, func.count(Case.id), func.count(Case.resolved_at))
        .where(_among(session, Case.graduate_id, graduate_ids))
        .group_by(Case.graduate_id)
    )
    return {gid: (opened, resolved) for gid, opened, resolved in rows}


async def job_counts_of(
    session: AsyncSession, graduate_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """graduate id → (job notices decided, postings marked 感兴趣)."""
    notices = await session.execute(
        select(JobNotice.graduate_id, func.count(JobNotice.id))
        .where(_among(session, JobNotice.graduate_id, graduate_ids))
        .group_by(JobNotice.graduate_id)
    )
    interest = dict(
        (
            await session.execute(
                select(JobInterest.graduate_id, func.count(JobInterest.id))
                .where(_among(session, JobInterest.graduate_id, graduate_ids))
                .group_by(JobInterest.graduate_id)
            )
        ).all()
    )
    counts = {gid: (n, interest.pop(gid, 0)) for gid, n in notices}
    counts.update({gid: (0, n) for gid, n in interest.items()})
    return counts


async def answers_of(
    session: AsyncSession, graduate_ids: Sequence[int], *, campaign: str
) -> dict[int, str]:
    """graduate id → their latest answer to `campaign` (e.g. 入学季's 入读意愿)."""
    rows = await session.execute(
        select(CampaignAnswer.graduate_id, CampaignAnswer.value)
        .where(
            _among(session, CampaignAnswer.graduate_id, graduate_ids),
            CampaignAnswer.campaign == campaign,
        )
        .order_by(CampaignAnswer.edition, CampaignAnswer.answered_at)
    )
    return {gid: value for gid, value in rows}


async def cadre_names(session: AsyncSession, cadre_ids: Sequence[int]) -> dict[int, str]:
    """cadre id → name."""
    rows = await session.execute(
        select(Cadre.id, Cadre.name).where(_among(session, Cadre.id, cadre_ids))
    )
    return dict(rows.all())


def _scoped_graduates(scope: Scope) -> Select:
    """Ids of the graduates in scope (by 户籍地, as the people queries place them)."""
    people = people_query(scope).subquery()
    return select(people.c.graduate_id).where(people.c.graduate_id.is_not(None))


def cases_query(scope: Scope, *, start: datetime, end: datetime) -> Select:
    """The 帮扶清单: cases opened in [start, end) of graduates in scope, oldest first."""
    return (
        select(
            Case.id,
            Case.graduate_id,
            Graduate.name,
            Graduate.phone_enc,
            Region.full_name.label("region"),
            Case.reason,
            Case.status,
            Cadre.name.label("cadre"),
            Case.opened_at,
            Case.acknowledged_at,
            Case.resolved_at,
            Case.outcome,
        )
        .join(Graduate, Graduate.id == Case.graduate_id)
        .join(Region, Region.id == Graduate.hukou_region_id)
        .outerjoin(Cadre, Cadre.id == Case.cadre_id)
        .where(
            Case.graduate_id.in_(_scoped_graduates(scope)),
            Case.opened_at >= start,
            Case.opened_at < end,
        )
        .order_by(Case.id)
    )


def jobs_query(scope: Scope, *, start: datetime, end: datetime) -> Select:
    """The 就业清单: each notice decided in [start, end), with whether interest was shown."""
    interest = aliased(JobInterest)
    return (
        select(
            JobNotice.id,
            JobNotice.graduate_id,
            Graduate.name,
            Region.full_name.label("region"),
            Posting.title,
            Posting.employer,
            Posting.place,
            JobNotice.created_at.label("noticed_at"),
            interest.created_at.label("interested_at"),
        )
        .join(Graduate, Graduate.id == JobNotice.graduate_id)
        .join(Region, Region.id == Graduate.hukou_region_id)
        .join(Posting, Posting.id == JobNotice.posting_id)
        .outerjoin(
            interest,
            and_(
                interest.graduate_id == JobNotice.graduate_id,
                interest.posting_id == JobNotice.posting_id,
            ),
        )
        .where(
            JobNotice.graduate_id.in_(_scoped_graduates(scope)),
            JobNotice.created_at >= start,
            JobNotice.created_at < end,
        )
        .order_by(JobNotice.id)
    )


# --- the figures: grouped counts ------------------------------------------------------------


def _dimension(people: Any, by: str | None) -> Any:
    """The grouping column of the people subquery (None for the total)."""
    if by is None:
        return None
    column = {
        "county": people.c.region,
        "school": people.c.school,
        "major": people.c.major,
        "year": people.c.graduation_year,
        "household": people.c.household_type,
        "relocated": people.c.relocated,
        "key_county": people.c.key_county,
    }[by]
    return column.label("grp")


def _head(grp: Any) -> list[Any]:
    """The group as the first selected column ('' for the total, which groups nothing)."""
    return [grp if grp is not None else literal("").label("grp")]


def _by(grp: Any, *more: Any) -> list[Any]:
    """GROUP BY the group (if any) and `more`."""
    return [grp, *more] if grp is not None else list(more)


async def people_counts(session: AsyncSession, groups: Table) -> Sequence[Row]:
    """Per group: people, signed up, verified, reachable, and new labourers."""
    c = groups.c
    return (
        await session.execute(
            select(
                c.grp,
                func.count().label("people"),
                func.count(c.graduate_id).label("signed_up"),
                func.sum(c.verified).label("verified"),
                func.sum(c.reachable).label("reachable"),
                func.sum(c.new_labour).label("new_labour"),
            ).group_by(c.grp)
        )
    ).all()


@asynccontextmanager
async def graduate_groups(
    session: AsyncSession, scope: Scope, *, by: str | None
) -> AsyncIterator[Table]:
    """Everyone in scope as a temporary table (graduate_id, grp, flags), for the figures.

    The people query is a UNION over three tables with a GROUP BY inside; evaluating it once
    and joining check-ins, cases and notices to a plain indexed table is several times faster
    than repeating it in every figure.
    """
    people = people_query(scope).subquery()
    grp = _dimension(people, by)
    name = f"yulu_groups_{uuid.uuid4().hex[:12]}"
    table = Table(
        name,
        MetaData(),
        Column("graduate_id", Integer),
        Column("grp", grp.type if grp is not None else String()),
        Column("verified", Integer),
        Column("reachable", Integer),
        Column("new_labour", Integer),
        Index(f"ix_{name}", "graduate_id"),
        prefixes=["TEMPORARY"],
    )
    await session.run_sync(lambda sync: table.create(sync.connection()))
    source = select(
        people.c.graduate_id,
        *_head(grp),
        case((people.c.verified, 1), else_=0),
        people.c.reachable,
        case((people.c.kind == "labour", 1), else_=0),
    )
    columns = ["graduate_id", "grp", "verified", "reachable", "new_labour"]
    try:
        await session.execute(insert(table).from_select(columns, source))
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text(f"ANALYZE {name}"))  # autovacuum skips temporary tables
        yield table
    finally:
        await session.run_sync(lambda sync: table.drop(sync.connection()))


def _graduates(groups: Table) -> tuple[Any, Any]:
    return groups, groups.c.grp


async def check_in_figures(
    session: AsyncSession,
    groups: Table,
    *,
    now: tuple[str, str],
    before: tuple[str, str],
) -> Sequence[Row]:
    """Per group and (latest status, latest band, latest band a year before), in one query:
    graduates, check-ins asked, check-ins answered (months of `now`, and of `before`).

    One aggregate per graduate over the period's check-ins gives the months of their latest
    answer and latest income band; the answers themselves are then looked up by
    (graduate_id, period), the unique key — instead of one scan per figure.
    """
    answered = CheckIn.answered_at.is_not(None)
    per_graduate = (
        select(
            CheckIn.graduate_id.label("gid"),
            func.count(CheckIn.id).label("asked"),
            func.count(CheckIn.answered_at).label("answered"),
            func.max(case((answered, CheckIn.period))).label("last_answer"),
            func.max(
                case((and_(answered, CheckIn.income_band.is_not(None)), CheckIn.period))
            ).label("last_income"),
        )
        .where(CheckIn.period >= now[0], CheckIn.period <= now[1])
        .group_by(CheckIn.graduate_id)
        .subquery()
    )
    earlier = _latest(*before, income=True)
    status_row, band_row, before_row = aliased(CheckIn), aliased(CheckIn), aliased(CheckIn)
    grp = groups.c.grp
    query = (
        select(
            grp,
            status_row.status,
            band_row.income_band,
            before_row.income_band.label("band_before"),
            func.count(),
            func.sum(per_graduate.c.asked),
            func.sum(per_graduate.c.answered),
        )
        .select_from(groups)
        .join(per_graduate, per_graduate.c.gid == groups.c.graduate_id)
        .outerjoin(
            status_row,
            and_(
                status_row.graduate_id == per_graduate.c.gid,
                status_row.period == per_graduate.c.last_answer,
            ),
        )
        .outerjoin(
            band_row,
            and_(
                band_row.graduate_id == per_graduate.c.gid,
                band_row.period == per_graduate.c.last_income,
            ),
        )
        .outerjoin(earlier, earlier.c.gid == per_graduate.c.gid)
        .outerjoin(
            before_row,
            and_(before_row.graduate_id == earlier.c.gid, before_row.period == earlier.c.period),
        )
        .group_by(grp, status_row.status, band_row.income_band, before_row.income_band)
    )
    return (await session.execute(query)).all()


def _latest(first: str, last: str, *, income: bool) -> Any:
    """graduate → the month of their latest answer in first..last (with an income band)."""
    query = select(CheckIn.graduate_id.label("gid"), func.max(CheckIn.period).label("period"))
    query = query.where(
        CheckIn.answered_at.is_not(None), CheckIn.period >= first, CheckIn.period <= last
    )
    if income:
        query = query.where(CheckIn.income_band.is_not(None))
    return query.group_by(CheckIn.graduate_id).subquery()


async def case_times(
    session: AsyncSession, groups: Table, *, start: datetime, end: datetime
) -> Sequence[Row]:
    """Per case opened in [start, end): group, reason, opened, acknowledged, resolved."""
    people, grp = _graduates(groups)
    return (
        await session.execute(
            select(*_head(grp), Case.reason, Case.opened_at, Case.acknowledged_at, Case.resolved_at)
            .select_from(people)
            .join(Case, Case.graduate_id == people.c.graduate_id)
            .where(Case.opened_at >= start, Case.opened_at < end)
        )
    ).all()


async def notice_counts(
    session: AsyncSession, groups: Table, *, start: datetime, end: datetime
) -> Sequence[Row]:
    """Per group: job notices Telegram accepted in [start, end)."""
    people, grp = _graduates(groups)
    return (
        await session.execute(
            select(*_head(grp), func.count())
            .select_from(people)
            .join(JobNotice, JobNotice.graduate_id == people.c.graduate_id)
            .join(OutboxMessage, OutboxMessage.idempotency_key == JobNotice.outbox_key)
            .where(
                OutboxMessage.status == OutboxStatus.SENT,
                OutboxMessage.sent_at >= start,
                OutboxMessage.sent_at < end,
            )
            .group_by(*_by(grp))
        )
    ).all()


async def interest_counts(
    session: AsyncSession, groups: Table, *, start: datetime, end: datetime
) -> Sequence[Row]:
    """Per group: postings marked 感兴趣/报名 in [start, end)."""
    people, grp = _graduates(groups)
    return (
        await session.execute(
            select(*_head(grp), func.count())
            .select_from(people)
            .join(JobInterest, JobInterest.graduate_id == people.c.graduate_id)
            .where(JobInterest.created_at >= start, JobInterest.created_at < end)
            .group_by(*_by(grp))
        )
    ).all()


async def tracer_counts(
    session: AsyncSession, scope: Scope, *, periods: Sequence[str]
) -> Sequence[Row]:
    """Per (graduation year, month, status, stable): answered check-ins in those months."""
    people = people_query(scope).subquery()
    return (
        await session.execute(
            select(
                people.c.graduation_year,
                CheckIn.period,
                CheckIn.status,
                CheckIn.stable,
                func.count(),
            )
            .select_from(people)
            .join(CheckIn, CheckIn.graduate_id == people.c.graduate_id)
            .where(
                people.c.kind != "labour",
                CheckIn.answered_at.is_not(None),
                CheckIn.period.in_(periods),
            )
            .group_by(people.c.graduation_year, CheckIn.period, CheckIn.status, CheckIn.stable)
        )
    ).all()


async def monthly_counts(
    session: AsyncSession, groups: Table, *, first: str, last: str
) -> Sequence[Row]:
    """Per group, month and status: check-ins asked (status None: not answered)."""
    people, grp = _graduates(groups)
    return (
        await session.execute(
            select(*_head(grp), CheckIn.period, CheckIn.status, func.count())
            .select_from(people)
            .join(CheckIn, CheckIn.graduate_id == people.c.graduate_id)
            .where(CheckIn.period >= first, CheckIn.period <= last)
            .group_by(*_by(grp, CheckIn.period, CheckIn.status))
        )
    ).all()


async def set_key_counties(session: AsyncSession, region_ids: Sequence[int]) -> int:
    """Mark exactly these regions as 重点帮扶县 (every other region is not); returns how many."""
    await session.execute(
        update(Region).where(Region.id.not_in(region_ids)).values(key_county=False)
    )
    if region_ids:
        await session.execute(
            update(Region).where(Region.id.in_(region_ids)).values(key_county=True)
        )
    return len(region_ids)

"""The matching queries (供需匹配): which open postings each graduate of a batch should get.

The database does the work: a batch's graduates (their trade codes, with everything the rules
need) are joined to the open postings' trade codes on equality keys, one branch per kind of
place; education, kind, deadline, what was already sent and what was declined are filtered in
SQL; a window function ranks per graduate and keeps the weekly cap's worth. Python only ever
sees the picks, and writes them with the outbox rows in bulk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from yulu.storage.models import (
    CheckIn,
    EducationLevel,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    Region,
    utcnow,
)
from yulu.storage.postings import (
    ANY_TRADE_KEY,
    LOOKING,
    OUT_OF_WORK,
    STUDENT_KINDS,
    WORKING,
    GraduateTrade,
    JobInterest,
    JobNotice,
    JobPreference,
    JobRejection,
    Posting,
    PostingKind,
    PostingTrade,
    RejectionReason,
)
from yulu.storage.queries import insert_new


@dataclass(frozen=True)
class MatchWindow:
    """The moment a matching round runs for, in the programme's time zone."""

    today: date
    week: str  # 2026-W48
    period: str  # 2026-11
    cap: int  # notices per graduate per week

    @property
    def this_year(self) -> int:
        return self.today.year


@dataclass(frozen=True)
class Pick:
    """One posting for one graduate, with its score (kind*100 + trade*10 + place)."""

    graduate_id: int
    posting_id: int
    score: int


# The order notices are chosen in: the kind that suits the graduate's situation first, then the
# closest trade (major 3, class 2, group 1, 不限 0); within a tier, the closest place, the newest.
TIERS = tuple((kind, weight) for kind in (2, 1) for weight in (3, 2, 1, 0))


def _reachable() -> ColumnElement[bool]:
    return and_(
        Graduate.chat_id.is_not(None),
        Graduate.unsubscribed_at.is_(None),
        Graduate.unreachable_at.is_(None),
    )


def _wants_notices(period: str) -> ColumnElement[bool]:
    """Looking for work; or working and opted in, or the last check-in said the job is unstable."""
    answered, latest_row = aliased(CheckIn), aliased(CheckIn)
    latest = (
        select(func.max(answered.period))
        .where(answered.graduate_id == Graduate.id, answered.answered_at.is_not(None))
        .correlate(Graduate)
        .scalar_subquery()
    )  # two levels down: auto-correlation stops
    unstable = exists().where(
        latest_row.graduate_id == Graduate.id,
        latest_row.period == latest,
        latest_row.stable.is_(False),
    )
    opted_in = exists().where(
        JobPreference.graduate_id == Graduate.id, JobPreference.notices_while_employed.is_(True)
    )
    return and_(
        or_(Graduate.paused_until.is_(None), Graduate.paused_until < period),
        or_(
            Graduate.status.in_(LOOKING),
            and_(Graduate.status.in_(WORKING), or_(opted_in, unstable)),
        ),
    )


def eligible_query(window: MatchWindow, *, after_id: int, upto_id: int) -> Select:
    """Graduates after_id < id <= upto_id who may get notices this week, and how many more each.

    This week's notices are counted once for the whole id range (not per graduate): job_notice
    grows while a run writes, and a per-row count planned on the run's starting statistics
    would scan it once per graduate.
    """
    sent = (
        select(JobNotice.graduate_id, func.count().label("n"))
        .where(
            JobNotice.week == window.week,
            JobNotice.graduate_id > after_id,
            JobNotice.graduate_id <= upto_id,
        )
        .group_by(JobNotice.graduate_id)
        .subquery("sent")
    )
    remaining = window.cap - func.coalesce(sent.c.n, 0)
    return (
        select(Graduate.id, remaining.label("remaining"))
        .outerjoin(sent, sent.c.graduate_id == Graduate.id)
        .where(
            Graduate.id > after_id,
            Graduate.id <= upto_id,
            _reachable(),
            _wants_notices(window.period),
            remaining > 0,
        )
    )


async def next_batch(session: AsyncSession, *, after_id: int, size: int) -> int | None:
    """The id that ends the next `size` graduates after `after_id` (None: no graduates left)."""
    ids = select(Graduate.id).where(Graduate.id > after_id).order_by(Graduate.id).limit(size)
    return await session.scalar(select(func.max(ids.subquery().c.id)))


async def eligible_graduates(
    session: AsyncSession, window: MatchWindow, *, after_id: int, upto_id: int
) -> dict[int, int]:
    """One batch (an id range): graduate id → notices still allowed this week."""
    rows = await session.execute(eligible_query(window, after_id=after_id, upto_id=upto_id))
    return {graduate_id: remaining for graduate_id, remaining in rows}


# The matching query. Three small CTEs describe the batch's graduates (their codes of one tier
# with everything the rules need), what they have already had (notices, interest) and what they
# declined; candidate pairs come from joining the codes to posting_trade on equality keys, one
# branch per kind of place; the rules are plain comparisons and anti-joins; a window ranks.


_LO, _HI = bindparam("lo", type_=Integer), bindparam("hi", type_=Integer)


def _batch_params(graduate_ids: Sequence[int]) -> dict[str, Any]:
    """The parameters the matching queries take: the batch's ids and their range."""
    return {"batch_ids": list(graduate_ids), "lo": min(graduate_ids), "hi": max(graduate_ids)}


def _codes(weight: int | None, *, dialect: str) -> Any:
    """The batch's trade codes (of one weight, or all) with what matching needs of the graduates."""
    want, home = aliased(Region, name="want"), aliased(Region, name="home")
    query = (
        select(
            Graduate.id.label("gid"),
            GraduateTrade.code,
            GraduateTrade.weight,
            Graduate.status,
            Graduate.graduation_year.label("year"),
            case((Graduate.education_level == EducationLevel.HIGHER, 2), else_=1).label("rank"),
            want.province.label("want_province"),
            want.city.label("want_city"),
            want.county.label("want_county"),
            home.province.label("home_province"),
        )
        .select_from(Graduate)
        .join(GraduateTrade, GraduateTrade.graduate_id == Graduate.id)
        .join(home, home.id == Graduate.hukou_region_id)
        .outerjoin(want, want.id == Graduate.desired_region_id)
        .where(Graduate.id.between(_LO, _HI), GraduateTrade.graduate_id.between(_LO, _HI))
    )
    if dialect == "postgresql":
        # Joined to one array parameter: PostgreSQL would test a long IN (…) item by item per row.
        batch = (
            func.unnest(bindparam("batch_ids", type_=ARRAY(Integer)))
            .table_valued("gid")
            .render_derived()
        )
        query = query.join(batch, batch.c.gid == Graduate.id)
    else:  # SQLite looks an IN list up in a temporary index
        query = query.where(Graduate.id.in_(bindparam("batch_ids", expanding=True)))
    if weight is not None:
        query = query.where(GraduateTrade.weight == weight)
    return query.cte("codes").prefix_with("MATERIALIZED")


def _slots(window: MatchWindow, weight: int | None, *, notices: bool) -> Any:
    """The open postings' trade codes (of one weight, or all), read once per query.

    MATERIALIZED on both sides of the join leaves the planner nothing to probe by index per
    graduate: it hashes one side, whatever it guesses the sizes to be.
    """
    pt = PostingTrade
    still_open = pt.deadline > window.today if notices else pt.deadline >= window.today
    query = select(pt).where(or_(pt.deadline.is_(None), still_open))
    if weight is not None:
        query = query.where(pt.weight == weight)
    return query.cte("slots").prefix_with("MATERIALIZED")


def _kind_score(window: MatchWindow, me: Any, pt: Any) -> ColumnElement[int]:
    """2 for the kind that suits the graduate's situation, 1 for the others.

    Full-time jobs suit those out of work; internships, 见习 and 定向班 suit students.
    """
    return case(
        (pt.kind == PostingKind.FULL_TIME, case((me.c.status.in_(OUT_OF_WORK), 2), else_=1)),
        else_=case((me.c.year > window.this_year, 2), else_=1),
    )


def _kind_fits(window: MatchWindow, me: Any, pt: Any) -> ColumnElement[bool]:
    """Full-time jobs to those out of school; internships, 见习, 定向班 to students and new ones."""
    return or_(
        and_(pt.kind == PostingKind.FULL_TIME, me.c.year <= window.this_year),
        and_(
            pt.kind.in_(STUDENT_KINDS),
            me.c.year >= window.this_year - 1,
            me.c.status.not_in(WORKING),
        ),
    )


Branch = tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[int]]


def _branches(me: Any, pt: Any) -> list[Branch]:
    """(join condition, filter, place score) for each kind of place: the wanted province,
    nationwide, and anywhere (求职地 不限).

    求职地 and 工作地点 overlap through province → city → county; the score says how closely the
    graduate named the place (3 county, 2 city, 1 province); 求职地 不限 prefers the home province.
    """
    wanted = (
        1
        + case((me.c.want_city.is_not(None), 1), else_=0)
        + case((me.c.want_county.is_not(None), 1), else_=0)
    )
    overlap = and_(
        or_(pt.city == "", me.c.want_city.is_(None), pt.city == me.c.want_city),
        or_(pt.county == "", me.c.want_county.is_(None), pt.county == me.c.want_county),
    )
    return [
        (pt.province == me.c.want_province, overlap, wanted),
        (pt.province == "", true(), literal(0)),
        (
            pt.province != "",
            me.c.want_province.is_(None),
            case((pt.province == me.c.home_province, 1), else_=0),
        ),
    ]


def _pairs(
    window: MatchWindow,
    me: Any,
    slots: Any,
    *,
    kind: int | None,
    notices: bool,
    kinds: Sequence[str] | None = None,
) -> Any:
    """Every (graduate, posting) that fits on trade, place, education and kind."""
    pt = slots.c
    selects = []
    for joined, kept, place in _branches(me, pt):
        kind_score = _kind_score(window, me, pt)
        query = (
            select(
                me.c.gid,
                pt.posting_id.label("pid"),
                (kind_score * 100 + pt.weight * 10 + place).label("score"),
                pt.province,
                pt.city,
                pt.region_key,
                pt.trade_key,
                pt.pay,
            )
            .join_from(me, slots, and_(pt.code == me.c.code, joined))
            .where(kept, me.c.rank >= pt.education_min)
        )
        if notices:
            query = query.where(_kind_fits(window, me, pt))
        if kind is not None:
            query = query.where(kind_score == kind)
        if kinds:
            query = query.where(pt.kind.in_(kinds))
        selects.append(query)
    return union_all(*selects).subquery("pairs")


def _not_declined(pairs: Any, declined: Any) -> ColumnElement[bool]:
    """Leave out what the graduate declined and its like.

    Any reason drops the same place + trade; 地点 that city; 专业 that trade requirement anywhere;
    工资 that trade anywhere unless it pays more (a 不限专业 posting never widens 专业 or 工资).
    """
    d = declined.c
    specific = and_(d.trade_key == pairs.c.trade_key, d.trade_key != ANY_TRADE_KEY)
    return ~exists().where(
        d.graduate_id == pairs.c.gid,
        or_(
            and_(d.region_key == pairs.c.region_key, d.trade_key == pairs.c.trade_key),
            and_(
                d.reason == RejectionReason.PLACE,
                d.province == pairs.c.province,
                d.city_key == pairs.c.city,
            ),
            and_(d.reason == RejectionReason.TRADE, specific),
            and_(d.reason == RejectionReason.PAY, specific, pairs.c.pay <= d.pay),
        ),
    )


def _declined() -> Any:
    return (
        select(JobRejection)
        .where(JobRejection.graduate_id.between(_LO, _HI))
        .cte("declined")
        .prefix_with("MATERIALIZED")
    )


def _seen() -> Any:
    """(graduate, posting) already noticed or applied for: never sent again.

    The batch's id range (a superset of the batch) keeps this a plain index range scan.
    """
    return (
        union_all(
            select(JobNotice.graduate_id.label("gid"), JobNotice.posting_id.label("pid")).where(
                JobNotice.graduate_id.between(_LO, _HI)
            ),
            select(JobInterest.graduate_id, JobInterest.posting_id).where(
                JobInterest.graduate_id.between(_LO, _HI)
            ),
        )
        .cte("seen")
        .prefix_with("MATERIALIZED")
    )


@lru_cache(maxsize=64)  # built once per tier and run; each batch only passes new parameters
def tier_query(window: MatchWindow, *, kind: int, weight: int, dialect: str) -> Select:
    """Each graduate's best `cap` new postings of one tier (kind score, trade weight), best first.

    Parameters: batch_ids (the graduates), lo and hi (their id range).
    """
    pairs = _pairs(
        window,
        _codes(weight, dialect=dialect),
        _slots(window, weight, notices=True),
        kind=kind,
        notices=True,
    )
    seen, declined = _seen(), _declined()
    rank = func.row_number().over(
        partition_by=pairs.c.gid, order_by=(pairs.c.score.desc(), pairs.c.pid.desc())
    )
    candidates = (
        select(pairs.c.gid, pairs.c.pid, pairs.c.score, rank.label("rn"))
        .where(
            ~exists().where(seen.c.gid == pairs.c.gid, seen.c.pid == pairs.c.pid),
            _not_declined(pairs, declined),
        )
        .subquery("candidates")
    )
    return (
        select(candidates.c.gid, candidates.c.pid, candidates.c.score)
        .where(candidates.c.rn <= window.cap)
        .order_by(candidates.c.gid, candidates.c.rn)
    )


async def notice_picks(
    session: AsyncSession, window: MatchWindow, remaining: dict[int, int]
) -> list[Pick]:
    """The postings to send a batch of graduates this week: tier by tier, each within its cap.

    Only graduates still short of their cap go on to the next tier, so the broad tiers (不限专业,
    the less suitable kind) are only ever joined for the few who need them.
    """
    needed, chosen, picks = dict(remaining), {gid: set() for gid in remaining}, []
    dialect = session.get_bind().dialect.name
    async with _hash_joins(session):
        for kind, weight in TIERS:
            short = [gid for gid, count in needed.items() if count > 0]
            if not short:
                break
            query = tier_query(window, kind=kind, weight=weight, dialect=dialect)
            for gid, pid, score in await session.execute(query, _batch_params(short)):
                if needed[gid] > 0 and pid not in chosen[gid]:  # a posting may list two codes
                    chosen[gid].add(pid)
                    needed[gid] -= 1
                    picks.append(Pick(gid, pid, score))
    return picks


PG_MATCHING = {"enable_nestloop": "off", "enable_mergejoin": "off", "work_mem": "'32MB'"}


async def batch_settings(session: AsyncSession) -> None:
    """PostgreSQL: no JIT here (it spends ~0.2 s compiling each bulk INSERT to save less)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))


@asynccontextmanager
async def _hash_joins(session: AsyncSession) -> AsyncIterator[None]:
    """PostgreSQL: hash joins only while the tier queries run, then the defaults again.

    The planner cannot estimate a CTE's size and guesses a few rows, so left alone it probes
    posting_trade by index once per graduate code (measured 2.1 ms a graduate, against 0.3 ms
    with hash joins at 100,000 × 10,000). Every join in these queries is an equality on a
    batch-sized input, which is exactly what a hash join is for.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    for name, value in PG_MATCHING.items():
        await session.execute(text(f"SET LOCAL {name} = {value}"))
    try:
        yield
    finally:
        for name in PG_MATCHING:
            await session.execute(text(f"RESET {name}"))


MATCH_TABLES = (
    "posting",
    "posting_trade",
    "graduate_trade",
    "job_notice",
    "job_interest",
    "job_rejection",
)


async def refresh_statistics(session: AsyncSession) -> None:
    """PostgreSQL: ANALYZE the matching tables, whose sizes a run itself may have just changed.

    The planner must know job_notice and graduate_trade are large, or it probes them by scanning.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ANALYZE {', '.join(MATCH_TABLES)}"))


async def current_matches(
    session: AsyncSession,
    window: MatchWindow,
    *,
    graduate_id: int,
    kinds: Sequence[str] | None,
    offset: int,
    limit: int,
) -> tuple[list[Pick], int]:
    """One graduate's best open matches (what /jobs shows): one page of them, and how many."""
    codes = _codes(None, dialect=session.get_bind().dialect.name)
    pairs = _pairs(
        window, codes, _slots(window, None, notices=False), kind=None, notices=False, kinds=kinds
    )
    best = (
        select(pairs.c.pid, func.max(pairs.c.score).label("score"))
        .where(_not_declined(pairs, _declined()))
        .group_by(pairs.c.pid)
        .subquery("best")
    )
    params = _batch_params([graduate_id])
    total = await session.scalar(select(func.count()).select_from(best), params)
    rows = await session.execute(
        select(best.c.pid, best.c.score)
        .order_by(best.c.score.desc(), best.c.pid.desc())
        .offset(offset)
        .limit(limit),
        params,
    )
    return [Pick(graduate_id, pid, score) for pid, score in rows], total or 0


@dataclass(frozen=True)
class Recipient:
    """What a notice needs to know about its graduate (places as names)."""

    graduate_id: int
    chat_id: int
    major: str
    wanted: str | None  # the most specific name of the 求职地; None: 不限
    home_province: str
    home: str  # the 户籍地 county's full name


def region_label(region: Region) -> str:
    """The most specific name of a region: 宝安区, else 深圳市, else 广东省."""
    return region.county or region.city or region.province


async def recipients(session: AsyncSession, *, after_id: int, upto_id: int) -> dict[int, Recipient]:
    """Every graduate of a batch's id range, as notices need them (plain rows, no ORM objects)."""
    want, home = aliased(Region), aliased(Region)
    rows = await session.execute(
        select(
            Graduate.id,
            Graduate.chat_id,
            Graduate.major,
            func.coalesce(want.county, want.city, want.province),
            home.province,
            home.full_name,
        )
        .join(home, home.id == Graduate.hukou_region_id)
        .outerjoin(want, want.id == Graduate.desired_region_id)
        .where(Graduate.id > after_id, Graduate.id <= upto_id)
    )
    return {
        gid: Recipient(gid, chat or 0, major, wanted, province, county)
        for gid, chat, major, wanted, province, county in rows
    }


async def insert_notices(
    session: AsyncSession, rows: list[dict[str, Any]], *, week: str
) -> set[tuple[int, int]]:
    """Record notices (graduate_id, posting_id, score, outbox_key); returns the new pairs."""
    result = await insert_new(
        session,
        JobNotice,
        rows,
        same={"week": week, "created_at": utcnow()},
        returning=(JobNotice.graduate_id, JobNotice.posting_id),
    )
    return {(gid, pid) for gid, pid in result}


async def cancel_expired_notices(session: AsyncSession, *, today: date) -> int:
    """Cancel notices still waiting in the outbox whose posting's deadline has passed."""
    expired = (
        select(JobNotice.outbox_key)
        .join(Posting, Posting.id == JobNotice.posting_id)
        .where(Posting.deadline < today)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.idempotency_key.in_(expired)
        )
        .values(status=OutboxStatus.CANCELLED, last_error="posting expired")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0

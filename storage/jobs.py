"""Jobs and internships (岗位归集与推送): postings, match codes, notices, interest, rejections.

The matching query lives here: the database joins a batch of graduates to the open postings
on equality keys (trade codes), filters by place, education, kind and status, drops what was
already sent, declined or applied for, ranks per graduate and keeps the weekly cap's worth.
Python only ever sees the picks.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Select,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from storage.models import (
    Base,
    Cadre,
    CheckIn,
    EducationLevel,
    EmploymentStatus,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    Region,
    utcnow,
)
from storage.queries import insert_for

ANY_CODE = "*"  # the code every graduate holds and a 不限专业 posting asks for


def trade_key(codes: Iterable[str]) -> str:
    """A short stable key for a set of requirement codes (same key: same trade requirement)."""
    return hashlib.sha256(";".join(sorted(codes)).encode()).hexdigest()[:16]


ANY_TRADE_KEY = trade_key([ANY_CODE])  # 不限专业: never widens a trade or pay rejection


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class PostingKind(enum.StrEnum):
    FULL_TIME = "full_time"  # 全职
    INTERNSHIP = "internship"  # 实习
    TRAINEESHIP = "traineeship"  # 就业见习
    TARGETED = "targeted"  # 定向班


class EmployerType(enum.StrEnum):
    CENTRAL_SOE = "central_soe"  # 央企
    SOE = "soe"  # 国企
    PRIVATE = "private"  # 民企
    PUBLIC_INSTITUTION = "public_institution"  # 事业单位
    GOVERNMENT = "government"  # 机关
    FOREIGN = "foreign"  # 外企
    SOCIAL = "social"  # 社会组织
    OTHER = "other"


class RejectionReason(enum.StrEnum):
    UNSPECIFIED = "unspecified"  # tapped 不合适, not yet said why
    PLACE = "place"
    PAY = "pay"
    TRADE = "trade"
    OTHER = "other"


STUDENT_KINDS = (PostingKind.INTERNSHIP, PostingKind.TRAINEESHIP, PostingKind.TARGETED)
OUT_OF_WORK = (EmploymentStatus.SEEKING, EmploymentStatus.LOST_JOB)  # full-time jobs first
LOOKING = (*OUT_OF_WORK, EmploymentStatus.UNKNOWN)
WORKING = (EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED)


class Posting(Base):
    """A job, internship, 见习 or 定向班 place from an imported list (岗位需求清单)."""

    __tablename__ = "posting"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), unique=True)  # 岗位编号, or content key
    employer: Mapped[str] = mapped_column(String(120))
    employer_type: Mapped[EmployerType] = mapped_column(_enum(EmployerType))
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[PostingKind] = mapped_column(_enum(PostingKind))
    place: Mapped[str] = mapped_column(String(120))  # as written in the file
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))  # None: nationwide
    majors: Mapped[str] = mapped_column(String(400))  # as written; "" or 不限: any
    trade_key: Mapped[str] = mapped_column(String(16))  # same key: same trade requirement
    map_version: Mapped[str] = mapped_column(String(16))  # majors.yml the codes came from
    education_min: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 any, 1 中职, 2 高职
    pay_min: Mapped[int | None]
    pay_max: Mapped[int | None]
    headcount: Mapped[int | None]
    deadline: Mapped[date | None] = mapped_column(Date)  # last day to apply (inclusive)
    apply_how: Mapped[str] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region | None] = relationship(lazy="joined")

    __table_args__ = (Index("ix_posting_deadline", "deadline"),)


class PostingTrade(Base):
    """A trade code a posting asks for (ANY_CODE: 不限专业)."""

    __tablename__ = "posting_trade"

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    weight: Mapped[int] = mapped_column(SmallInteger)  # 3 major, 2 class, 1 group, 0 any

    __table_args__ = (Index("ix_posting_trade_code", "code", "posting_id"),)


class GraduateTrade(Base):
    """A trade code a graduate matches on, derived from their major text (a cache, rebuilt freely)."""

    __tablename__ = "graduate_trade"

    graduate_id: Mapped[int] = mapped_column(
        ForeignKey("graduate.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    weight: Mapped[int] = mapped_column(SmallInteger)
    major: Mapped[str] = mapped_column(String(120))  # the text the codes came from
    map_version: Mapped[str] = mapped_column(String(16))


class JobPreference(Base):
    """A graduate's choice about notices: employed graduates get none unless they opt in."""

    __tablename__ = "job_preference"

    graduate_id: Mapped[int] = mapped_column(
        ForeignKey("graduate.id", ondelete="CASCADE"), primary_key=True
    )
    notices_while_employed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class JobNotice(Base):
    """One posting sent to one graduate (岗位推送): at most once, counted against the weekly cap."""

    __tablename__ = "job_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("graduate.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))  # ISO week in the configured zone, 2026-W48
    score: Mapped[int] = mapped_column(SmallInteger)
    outbox_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("graduate_id", "posting_id"),
        Index("ix_job_notice_posting_id", "posting_id"),
    )


class JobInterest(Base):
    """感兴趣/报名: a graduate wants a posting; their cadre is told."""

    __tablename__ = "job_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("graduate.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    cadre_told: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    graduate: Mapped[Graduate] = relationship(lazy="joined")
    posting: Mapped[Posting] = relationship(lazy="joined")
    cadre: Mapped[Cadre | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("graduate_id", "posting_id"),)


class JobRejection(Base):
    """不合适: a posting a graduate declined, and why; later matching leaves out its like.

    The posting's place and trade are copied in, so matching can exclude by plain equality:
    any reason drops the same place + trade combination; "place" drops that city; "trade" drops
    that trade requirement anywhere; "pay" drops it anywhere unless it pays more.
    """

    __tablename__ = "job_rejection"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("graduate.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"))
    reason: Mapped[RejectionReason] = mapped_column(_enum(RejectionReason))
    region_key: Mapped[int] = mapped_column(Integer)  # posting.region_id, 0: nationwide
    province: Mapped[str] = mapped_column(String(40))  # "" for nationwide
    city_key: Mapped[str] = mapped_column(String(40))  # "" when the posting named no city
    trade_key: Mapped[str] = mapped_column(String(16))
    pay: Mapped[int] = mapped_column(Integer)  # the best pay it offered (0: not stated)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("graduate_id", "posting_id"),)


# --- postings -----------------------------------------------------------------------------


async def posting_fingerprints(session: AsyncSession, keys: Sequence[str]) -> dict[str, str]:
    """source_key → fingerprint for the postings among `keys`."""
    rows = await session.execute(
        select(Posting.source_key, Posting.fingerprint).where(Posting.source_key.in_(keys))
    )
    return {key: fingerprint for key, fingerprint in rows}


async def upsert_postings(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert or update postings by source_key; returns source_key → id."""
    now = utcnow()
    values = [{**row, "imported_at": now, "updated_at": now} for row in rows]
    statement = insert_for(session, Posting).values(values)
    updatable = [c for c in values[0] if c not in ("source_key", "imported_at")]
    await session.execute(statement.on_conflict_do_update(
        index_elements=["source_key"], set_={c: statement.excluded[c] for c in updatable}
    ))
    keys = [row["source_key"] for row in rows]
    found = await session.execute(
        select(Posting.source_key, Posting.id).where(Posting.source_key.in_(keys))
    )
    return {key: posting_id for key, posting_id in found}


async def replace_posting_trades(session: AsyncSession, codes: dict[int, dict[str, int]]) -> None:
    """Set each posting's trade codes (posting id → code → weight)."""
    await session.execute(delete(PostingTrade).where(PostingTrade.posting_id.in_(list(codes))))
    rows = [{"posting_id": pid, "code": code, "weight": weight}
            for pid, found in codes.items() for code, weight in found.items()]
    if rows:
        await session.execute(insert_for(session, PostingTrade), rows)


async def stale_postings(
    session: AsyncSession, *, version: str, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(id, majors text) of postings whose codes came from another majors map."""
    rows = await session.execute(
        select(Posting.id, Posting.majors)
        .where(Posting.id > after_id, Posting.map_version != version)
        .order_by(Posting.id).limit(limit)
    )
    return [(posting_id, majors) for posting_id, majors in rows]


async def set_posting_trades(
    session: AsyncSession, *, posting_id: int, trade_key: str, version: str
) -> None:
    """Record which trade key and map version a posting's codes now have."""
    await session.execute(update(Posting).where(Posting.id == posting_id)
                          .values(trade_key=trade_key, map_version=version))


async def postings_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Posting]:
    """Postings (with their region) by id."""
    found = await session.scalars(select(Posting).where(Posting.id.in_(list(ids))))
    return {posting.id: posting for posting in found}


# --- graduates' trade codes ---------------------------------------------------------------


async def stale_graduate_majors(
    session: AsyncSession, *, version: str, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(id, major) of graduates whose codes are missing or came from another major text or map."""
    current = exists().where(
        GraduateTrade.graduate_id == Graduate.id, GraduateTrade.code == ANY_CODE,
        GraduateTrade.major == Graduate.major, GraduateTrade.map_version == version,
    )
    rows = await session.execute(
        select(Graduate.id, Graduate.major).where(Graduate.id > after_id, ~current)
        .order_by(Graduate.id).limit(limit)
    )
    return [(graduate_id, major) for graduate_id, major in rows]


async def graduate_trades_current(
    session: AsyncSession, graduate_id: int, *, major: str, version: str
) -> bool:
    """Whether a graduate's codes were derived from this major text and this map."""
    return bool(await session.scalar(select(exists().where(
        GraduateTrade.graduate_id == graduate_id, GraduateTrade.code == ANY_CODE,
        GraduateTrade.major == major, GraduateTrade.map_version == version,
    ))))


async def replace_graduate_trades(
    session: AsyncSession, codes: dict[int, tuple[str, dict[str, int]]], *, version: str
) -> None:
    """Set each graduate's codes (graduate id → (major text, code → weight))."""
    await session.execute(delete(GraduateTrade).where(GraduateTrade.graduate_id.in_(list(codes))))
    rows = [{"graduate_id": gid, "code": code, "weight": weight, "major": major,
             "map_version": version}
            for gid, (major, found) in codes.items() for code, weight in found.items()]
    if rows:
        await session.execute(insert_for(session, GraduateTrade), rows)


# --- matching -----------------------------------------------------------------------------


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

_gr, _hr, _pr = aliased(Region, name="gr"), aliased(Region, name="hr"), aliased(Region, name="pr")


def _sent_this_week(week: str) -> ColumnElement[int]:
    return (select(func.count()).where(JobNotice.graduate_id == Graduate.id, JobNotice.week == week)
            .scalar_subquery())


def _reachable() -> ColumnElement[bool]:
    return and_(Graduate.chat_id.is_not(None), Graduate.unsubscribed_at.is_(None),
                Graduate.unreachable_at.is_(None))


def _wants_notices(period: str) -> ColumnElement[bool]:
    """Looking for work; or working but opted in, or said at the last check-in the job is unstable."""
    answered, latest_row = aliased(CheckIn), aliased(CheckIn)
    latest = (select(func.max(answered.period))
              .where(answered.graduate_id == Graduate.id, answered.answered_at.is_not(None))
              .correlate(Graduate).scalar_subquery())  # two levels down: auto-correlation stops
    unstable = exists().where(latest_row.graduate_id == Graduate.id,
                              latest_row.period == latest, latest_row.stable.is_(False))
    opted_in = exists().where(JobPreference.graduate_id == Graduate.id,
                              JobPreference.notices_while_employed.is_(True))
    return and_(
        or_(Graduate.paused_until.is_(None), Graduate.paused_until < period),
        or_(Graduate.status.in_(LOOKING),
            and_(Graduate.status.in_(WORKING), or_(opted_in, unstable))),
    )


def eligible_query(window: MatchWindow, *, after_id: int, upto_id: int) -> Select:
    """Graduates after_id < id <= upto_id who may get notices this week, and how many more each."""
    remaining = window.cap - _sent_this_week(window.week)
    return (
        select(Graduate.id, remaining.label("remaining"))
        .where(Graduate.id > after_id, Graduate.id <= upto_id, _reachable(),
               _wants_notices(window.period), remaining > 0)
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


def _kind_score(window: MatchWindow) -> ColumnElement[int]:
    """2 for the kind that suits the graduate's situation, 1 for the others.

    Full-time jobs suit those out of work; internships, 见习 and 定向班 suit students.
    """
    return case(
        (Posting.kind == PostingKind.FULL_TIME,
         case((Graduate.status.in_(OUT_OF_WORK), 2), else_=1)),
        else_=case((Graduate.graduation_year > window.this_year, 2), else_=1),
    )


def _place_score() -> ColumnElement[int]:
    """3 county, 2 city, 1 province wanted; 求职地 不限: 1 in the home province; 0 nationwide."""
    return case(
        (Posting.region_id.is_(None), 0),
        (Graduate.desired_region_id.is_(None), case((_pr.province == _hr.province, 1), else_=0)),
        else_=1 + case((_gr.city.is_not(None), 1), else_=0) + case((_gr.county.is_not(None), 1), else_=0),
    )


def _place_fits() -> ColumnElement[bool]:
    """求职地 不限, a nationwide posting, or the two places overlap province → city → county."""
    overlap = and_(
        _pr.province == _gr.province,
        or_(_pr.city.is_(None), _gr.city.is_(None), _pr.city == _gr.city),
        or_(_pr.county.is_(None), _gr.county.is_(None), _pr.county == _gr.county),
    )
    return or_(Graduate.desired_region_id.is_(None), Posting.region_id.is_(None), overlap)


def _education_fits() -> ColumnElement[bool]:
    rank = case((Graduate.education_level == EducationLevel.HIGHER, 2), else_=1)
    return rank >= Posting.education_min


def _kind_fits(window: MatchWindow) -> ColumnElement[bool]:
    """Full-time jobs to those who have left school; internships, 见习, 定向班 to students and new graduates."""
    return or_(
        and_(Posting.kind == PostingKind.FULL_TIME, Graduate.graduation_year <= window.this_year),
        and_(Posting.kind.in_(STUDENT_KINDS), Graduate.graduation_year >= window.this_year - 1,
             Graduate.status.not_in(WORKING)),
    )


def _not_declined() -> list[ColumnElement[bool]]:
    """Leave out what the graduate declined and its like (each rule a plain equality anti-join)."""
    r = JobRejection
    mine = r.graduate_id == Graduate.id
    pay = func.coalesce(Posting.pay_max, Posting.pay_min, 0)
    return [
        ~exists().where(mine, r.region_key == func.coalesce(Posting.region_id, 0),
                        r.trade_key == Posting.trade_key),
        ~exists().where(mine, r.reason == RejectionReason.PLACE, r.province == _pr.province,
                        r.city_key == func.coalesce(_pr.city, "")),
        ~exists().where(mine, r.reason == RejectionReason.TRADE, r.trade_key == Posting.trade_key,
                        r.trade_key != ANY_TRADE_KEY),
        ~exists().where(mine, r.reason == RejectionReason.PAY, r.trade_key == Posting.trade_key,
                        r.trade_key != ANY_TRADE_KEY, pay <= r.pay),
    ]


def _fitting(*columns: Any, pairs: Any = None) -> Select:
    """Graduate × posting through shared trade codes, kept where place, education and 不合适 allow.

    With `pairs` (gid, pid, weight), those pairs are the starting point instead of the codes.
    """
    if pairs is None:
        query = (select(*columns).select_from(Graduate)
                 .join(GraduateTrade, GraduateTrade.graduate_id == Graduate.id)
                 .join(PostingTrade, PostingTrade.code == GraduateTrade.code)
                 .join(Posting, Posting.id == PostingTrade.posting_id))
    else:
        query = (select(*columns).select_from(pairs)
                 .join(Graduate, Graduate.id == pairs.c.gid)
                 .join(Posting, Posting.id == pairs.c.pid))
    return (
        query.join(_hr, _hr.id == Graduate.hukou_region_id)
        .outerjoin(_gr, _gr.id == Graduate.desired_region_id)
        .outerjoin(_pr, _pr.id == Posting.region_id)
        .where(_place_fits(), _education_fits(), *_not_declined())
    )


def _tier_pairs(graduate_ids: Sequence[int], weight: int) -> Any:
    """(graduate, posting) sharing the graduate's code of one weight, computed first.

    MATERIALIZED fixes the join order: codes → postings by an equality key, then everything else
    joins by primary key; the planner can never start from a graduate × posting product.
    """
    codes = (select(GraduateTrade.graduate_id.label("gid"), GraduateTrade.code)
             .where(GraduateTrade.graduate_id.in_(graduate_ids), GraduateTrade.weight == weight)
             .cte("codes").prefix_with("MATERIALIZED"))
    return (select(codes.c.gid, PostingTrade.posting_id.label("pid"))
            .join_from(codes, PostingTrade, PostingTrade.code == codes.c.code)
            .cte("pairs").prefix_with("MATERIALIZED"))


def tier_query(window: MatchWindow, graduate_ids: Sequence[int], *, kind: int, weight: int) -> Select:
    """Each graduate's best `cap` new postings of one tier (kind score, trade weight), best first."""
    place = _place_score()
    rank = func.row_number().over(partition_by=Graduate.id,
                                  order_by=(place.desc(), Posting.id.desc()))
    pairs = _tier_pairs(graduate_ids, weight)
    candidates = _fitting(Graduate.id.label("gid"), Posting.id.label("pid"), place.label("place"),
                          rank.label("rn"), pairs=pairs).where(
        Graduate.id.in_(graduate_ids),  # repeated: the planner then fetches just these rows
        _kind_score(window) == kind, _kind_fits(window),
        or_(Posting.deadline.is_(None), Posting.deadline > window.today),
        ~exists().where(JobNotice.graduate_id == Graduate.id, JobNotice.posting_id == Posting.id),
        ~exists().where(JobInterest.graduate_id == Graduate.id, JobInterest.posting_id == Posting.id),
    ).subquery("candidates")
    return (select(candidates.c.gid, candidates.c.pid, candidates.c.place)
            .where(candidates.c.rn <= window.cap).order_by(candidates.c.gid, candidates.c.rn))


async def notice_picks(
    session: AsyncSession, window: MatchWindow, remaining: dict[int, int]
) -> list[Pick]:
    """The postings to send a batch of graduates this week: tier by tier, each within its cap.

    Only graduates still short of their cap go on to the next tier, so the broad tiers (不限专业,
    the less suitable kind) are only ever joined for the few who need them.
    """
    needed, chosen, picks = dict(remaining), {gid: set() for gid in remaining}, []
    for kind, weight in TIERS:
        short = [gid for gid, count in needed.items() if count > 0]
        if not short:
            break
        rows = await session.execute(tier_query(window, short, kind=kind, weight=weight))
        for gid, pid, place in rows:
            if needed[gid] > 0 and pid not in chosen[gid]:  # a posting may list two of one's codes
                chosen[gid].add(pid)
                needed[gid] -= 1
                picks.append(Pick(gid, pid, kind * 100 + weight * 10 + place))
    return picks


MATCH_TABLES = ("posting", "posting_trade", "graduate_trade", "job_notice", "job_interest",
                "job_rejection")


async def refresh_statistics(session: AsyncSession) -> None:
    """PostgreSQL: ANALYZE the matching tables, whose sizes a run itself may have just changed.

    The planner must know job_notice and graduate_trade are large, or it probes them by scanning.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ANALYZE {', '.join(MATCH_TABLES)}"))


async def current_matches(
    session: AsyncSession, window: MatchWindow, *, graduate_id: int,
    kinds: Sequence[str] | None, offset: int, limit: int,
) -> tuple[list[Pick], int]:
    """One graduate's best open matches (what /jobs shows), one page of them, and how many in all."""
    score = func.max(_kind_score(window) * 100 + GraduateTrade.weight * 10 + _place_score())
    query = (_fitting(Posting.id.label("pid"), score.label("score"))
             .where(Graduate.id == graduate_id,
                    or_(Posting.deadline.is_(None), Posting.deadline >= window.today))
             .group_by(Posting.id))
    if kinds:
        query = query.where(Posting.kind.in_(kinds))
    pairs = query.subquery("pairs")
    total = await session.scalar(select(func.count()).select_from(pairs))
    rows = await session.execute(
        select(pairs.c.pid, pairs.c.score)
        .order_by(pairs.c.score.desc(), pairs.c.pid.desc()).offset(offset).limit(limit))
    return [Pick(graduate_id, pid, score) for pid, score in rows], total or 0


@dataclass(frozen=True)
class Recipient:
    """What a notice needs to know about its graduate."""

    graduate_id: int
    chat_id: int
    major: str
    graduation_year: int
    desired: Region | None
    hukou: Region


async def recipients(session: AsyncSession, ids: Iterable[int]) -> dict[int, Recipient]:
    """The graduates a batch of notices goes to, with their places."""
    desired, hukou = aliased(Region), aliased(Region)
    rows = await session.execute(
        select(Graduate.id, Graduate.chat_id, Graduate.major, Graduate.graduation_year,
               desired, hukou)
        .join(hukou, hukou.id == Graduate.hukou_region_id)
        .outerjoin(desired, desired.id == Graduate.desired_region_id)
        .where(Graduate.id.in_(list(ids)))
    )
    return {gid: Recipient(gid, chat, major, year, want, home)
            for gid, chat, major, year, want, home in rows}


async def insert_notices(session: AsyncSession, rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """Record notices; returns the (graduate, posting) pairs that were new."""
    new: set[tuple[int, int]] = set()
    for chunk in _chunks(rows):
        statement = (insert_for(session, JobNotice).values(chunk).on_conflict_do_nothing()
                     .returning(JobNotice.graduate_id, JobNotice.posting_id))
        new.update((gid, pid) for gid, pid in await session.execute(statement))
    return new


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Add outbox rows in bulk, skipping idempotency keys already present (as enqueue does)."""
    now = utcnow()
    values = [{"status": OutboxStatus.PENDING.value, "graduate_id": None, "reply_markup": None,
               "attempts": 0, "not_before": now, "created_at": now, **row} for row in rows]
    for chunk in _chunks(values):
        await session.execute(insert_for(session, OutboxMessage).values(chunk)
                              .on_conflict_do_nothing())


def _chunks(rows: list[dict[str, Any]], *, parameters: int = 30_000) -> Iterable[list[dict[str, Any]]]:
    """Slices of rows small enough for one multi-row INSERT (bound-parameter limits)."""
    if not rows:
        return
    size = max(1, parameters // len(rows[0]))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def cancel_expired_notices(session: AsyncSession, *, today: date) -> int:
    """Cancel notices still waiting in the outbox whose posting's deadline has passed."""
    expired = (select(JobNotice.outbox_key).join(Posting, Posting.id == JobNotice.posting_id)
               .where(Posting.deadline < today))
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.idempotency_key.in_(expired))
        .values(status=OutboxStatus.CANCELLED, last_error="posting expired")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --- interest, rejections, preferences ------------------------------------------------------


async def add_interest(
    session: AsyncSession, *, graduate_id: int, posting_id: int, cadre_id: int | None, cadre_told: bool
) -> bool:
    """Record interest once; True when it is new."""
    result = await session.execute(
        insert_for(session, JobInterest).values(
            graduate_id=graduate_id, posting_id=posting_id, cadre_id=cadre_id,
            cadre_told=cadre_told, created_at=utcnow(),
        ).on_conflict_do_nothing()
    )
    return result.rowcount == 1


async def upsert_rejection(session: AsyncSession, values: dict[str, Any]) -> None:
    """Record (or re-record, with a reason) that a graduate declined a posting."""
    now = utcnow()
    statement = insert_for(session, JobRejection).values(**values, created_at=now, updated_at=now)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["graduate_id", "posting_id"],
        set_={"reason": statement.excluded.reason, "updated_at": now},
    ))


async def set_notices_while_employed(session: AsyncSession, graduate_id: int, value: bool) -> None:
    """Opt an employed graduate in to (or out of) notices."""
    statement = insert_for(session, JobPreference).values(
        graduate_id=graduate_id, notices_while_employed=value, updated_at=utcnow())
    await session.execute(statement.on_conflict_do_update(
        index_elements=["graduate_id"],
        set_={"notices_while_employed": value, "updated_at": utcnow()},
    ))


async def notices_while_employed(session: AsyncSession, graduate_id: int) -> bool:
    """Whether an employed graduate opted in to notices."""
    return bool(await session.scalar(
        select(JobPreference.notices_while_employed).where(JobPreference.graduate_id == graduate_id)
    ))


async def stream_interest(session: AsyncSession, *, batch: int = 1000) -> AsyncIterator[JobInterest]:
    """Every interest row, oldest first, in batches."""
    result = await session.stream_scalars(
        select(JobInterest).order_by(JobInterest.id).execution_options(yield_per=batch)
    )
    async for row in result:
        yield row


async def notice_count(session: AsyncSession, *, graduate_id: int | None = None) -> int:
    """How many notices were decided (for one graduate, or in all)."""
    query = select(func.count(JobNotice.id))
    if graduate_id is not None:
        query = query.where(JobNotice.graduate_id == graduate_id)
    return await session.scalar(query) or 0

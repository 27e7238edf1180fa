"""Jobs and internships (岗位归集与推送): postings, match codes, notices, interest, rejections.

The matching query lives here: the database joins a batch of graduates to the open postings
on equality keys (trade codes), filters by place, education, kind and status, drops what was
already sent, declined or applied for, ranks per graduate and keeps the weekly cap's worth.
Python only ever sees the picks.
"""

from __future__ import annotations

import enum
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
    literal,
    or_,
    select,
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

ANY_CODE = "*"


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
LOOKING = (EmploymentStatus.SEEKING, EmploymentStatus.LOST_JOB, EmploymentStatus.UNKNOWN)
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
    """One posting chosen for one graduate, with its score (kind*100 + trade*10 + place)."""

    graduate_id: int
    posting_id: int
    score: int


def _sent_this_week(graduate_id: ColumnElement[int], week: str) -> ColumnElement[int]:
    return (select(func.count()).where(JobNotice.graduate_id == graduate_id, JobNotice.week == week)
            .scalar_subquery())


def _reachable() -> ColumnElement[bool]:
    return and_(Graduate.chat_id.is_not(None), Graduate.unsubscribed_at.is_(None),
                Graduate.unreachable_at.is_(None))


def _wants_notices(period: str) -> ColumnElement[bool]:
    """Looking for work; or working but opted in, or said at the last check-in the job is unstable."""
    answered, latest_row = aliased(CheckIn), aliased(CheckIn)
    latest = (select(func.max(answered.period))
              .where(answered.graduate_id == Graduate.id, answered.answered_at.is_not(None))
              .scalar_subquery())
    unstable = exists().where(latest_row.graduate_id == Graduate.id,
                              latest_row.period == latest, latest_row.stable.is_(False))
    opted_in = exists().where(JobPreference.graduate_id == Graduate.id,
                              JobPreference.notices_while_employed.is_(True))
    return and_(
        or_(Graduate.paused_until.is_(None), Graduate.paused_until < period),
        or_(Graduate.status.in_(LOOKING),
            and_(Graduate.status.in_(WORKING), or_(opted_in, unstable))),
    )


def eligible_ids_query(window: MatchWindow, *, after_id: int, limit: int) -> Select:
    """The next ids of graduates who may get notices this week (keyset pagination)."""
    return (
        select(Graduate.id)
        .where(Graduate.id > after_id, _reachable(), _wants_notices(window.period),
               _sent_this_week(Graduate.id, window.week) < window.cap)
        .order_by(Graduate.id).limit(limit)
    )


def _batch(window: MatchWindow, *, lo: int, hi: int, notices: bool) -> Any:
    """The graduates of one batch, with how many notices each may still get this week."""
    remaining = (window.cap - _sent_this_week(Graduate.id, window.week)) if notices else literal(1)
    query = select(
        Graduate.id.label("gid"), Graduate.status, Graduate.graduation_year,
        Graduate.education_level, Graduate.desired_region_id, Graduate.hukou_region_id,
        remaining.label("remaining"),
    ).where(Graduate.id > lo, Graduate.id <= hi)
    if notices:
        query = query.where(_reachable(), _wants_notices(window.period))
    return query.cte("batch")


def _pairs(window: MatchWindow, batch: Any, *, notices: bool, kinds: Sequence[str] | None) -> Select:
    """Every (graduate, posting) that fits, with its best score; the database does the filtering."""
    gt, pt, p = GraduateTrade, PostingTrade, Posting
    gr, hr, pr = aliased(Region, name="gr"), aliased(Region, name="hr"), aliased(Region, name="pr")
    kind_score = case(
        (p.kind == PostingKind.FULL_TIME,
         case((batch.c.status.in_(LOOKING[:2]), 2), else_=1)),
        else_=case((batch.c.graduation_year > window.this_year, 2), else_=1),
    )
    place_score = case(
        (p.region_id.is_(None), 0),
        (batch.c.desired_region_id.is_(None), case((pr.province == hr.province, 1), else_=0)),
        else_=1 + case((gr.city.is_not(None), 1), else_=0) + case((gr.county.is_not(None), 1), else_=0),
    )
    score = func.max(kind_score * 100 + pt.weight * 10 + place_score)
    query = (
        select(batch.c.gid, p.id.label("pid"), score.label("score"), batch.c.remaining)
        .select_from(batch)
        .join(gt, gt.graduate_id == batch.c.gid)
        .join(pt, pt.code == gt.code)
        .join(p, p.id == pt.posting_id)
        .join(hr, hr.id == batch.c.hukou_region_id)
        .outerjoin(gr, gr.id == batch.c.desired_region_id)
        .outerjoin(pr, pr.id == p.region_id)
        .where(_place_fits(batch, p, gr, pr), _education_fits(batch, p),
               *_not_declined(batch, p, pr))
        .group_by(batch.c.gid, p.id, batch.c.remaining)
    )
    if notices:
        return query.where(
            batch.c.remaining > 0, or_(p.deadline.is_(None), p.deadline > window.today),
            _kind_fits(window, batch, p),
            ~exists().where(JobNotice.graduate_id == batch.c.gid, JobNotice.posting_id == p.id),
            ~exists().where(JobInterest.graduate_id == batch.c.gid, JobInterest.posting_id == p.id),
        )
    query = query.where(or_(p.deadline.is_(None), p.deadline >= window.today))
    return query.where(p.kind.in_(kinds)) if kinds else query


def _place_fits(batch: Any, p: Any, gr: Any, pr: Any) -> ColumnElement[bool]:
    """求职地 不限, a nationwide posting, or the two places overlap province → city → county."""
    overlap = and_(
        pr.province == gr.province,
        or_(pr.city.is_(None), gr.city.is_(None), pr.city == gr.city),
        or_(pr.county.is_(None), gr.county.is_(None), pr.county == gr.county),
    )
    return or_(batch.c.desired_region_id.is_(None), p.region_id.is_(None), overlap)


def _education_fits(batch: Any, p: Any) -> ColumnElement[bool]:
    rank = case((batch.c.education_level == EducationLevel.HIGHER, 2), else_=1)
    return rank >= p.education_min


def _kind_fits(window: MatchWindow, batch: Any, p: Any) -> ColumnElement[bool]:
    """Full-time jobs to those who have left school; internships, 见习, 定向班 to students and new graduates."""
    return or_(
        and_(p.kind == PostingKind.FULL_TIME, batch.c.graduation_year <= window.this_year),
        and_(p.kind.in_(STUDENT_KINDS), batch.c.graduation_year >= window.this_year - 1,
             batch.c.status.not_in(WORKING)),
    )


def _not_declined(batch: Any, p: Any, pr: Any) -> list[ColumnElement[bool]]:
    """Leave out what the graduate declined and its like (each rule a plain equality anti-join)."""
    r = JobRejection
    mine = r.graduate_id == batch.c.gid
    specific = p.trade_key != select(Posting.trade_key).where(literal(False)).scalar_subquery()
    del specific  # (kept simple below: ANY-trade postings never widen a trade/pay rule)
    pay = func.coalesce(p.pay_max, p.pay_min, 0)
    return [
        ~exists().where(mine, r.region_key == func.coalesce(p.region_id, 0),
                        r.trade_key == p.trade_key),
        ~exists().where(mine, r.reason == RejectionReason.PLACE, r.province == pr.province,
                        r.city_key == func.coalesce(pr.city, "")),
        ~exists().where(mine, r.reason == RejectionReason.TRADE, r.trade_key == p.trade_key,
                        r.trade_key != ANY_TRADE_KEY),
        ~exists().where(mine, r.reason == RejectionReason.PAY, r.trade_key == p.trade_key,
                        r.trade_key != ANY_TRADE_KEY, pay <= r.pay),
    ]


ANY_TRADE_KEY = ""  # set by services.majors at import: the key of a 不限专业 requirement


def notice_picks_query(window: MatchWindow, *, lo: int, hi: int) -> Select:
    """The postings to send graduates lo < id <= hi this week, best first, within the cap."""
    pairs = _pairs(window, _batch(window, lo=lo, hi=hi, notices=True), notices=True,
                   kinds=None).subquery("pairs")
    rank = func.row_number().over(partition_by=pairs.c.gid,
                                  order_by=(pairs.c.score.desc(), pairs.c.pid.desc()))
    ranked = select(pairs, rank.label("rn")).subquery("ranked")
    return (select(ranked.c.gid, ranked.c.pid, ranked.c.score)
            .where(ranked.c.rn <= ranked.c.remaining).order_by(ranked.c.gid, ranked.c.rn))


async def notice_picks(session: AsyncSession, window: MatchWindow, *, lo: int, hi: int) -> list[Pick]:
    """Run the matching query for one batch of graduates."""
    rows = await session.execute(notice_picks_query(window, lo=lo, hi=hi))
    return [Pick(gid, pid, score) for gid, pid, score in rows]


async def eligible_ids(
    session: AsyncSession, window: MatchWindow, *, after_id: int, limit: int
) -> list[int]:
    """The next batch of graduate ids who may get notices."""
    return list((await session.scalars(eligible_ids_query(window, after_id=after_id,
                                                          limit=limit))).all())


async def current_matches(
    session: AsyncSession, window: MatchWindow, *, graduate_id: int,
    kinds: Sequence[str] | None, offset: int, limit: int,
) -> tuple[list[Pick], int]:
    """One graduate's best open matches (what /jobs shows), one page of them, and how many in all."""
    batch = _batch(window, lo=graduate_id - 1, hi=graduate_id, notices=False)
    pairs = _pairs(window, batch, notices=False, kinds=kinds).subquery("pairs")
    total = await session.scalar(select(func.count()).select_from(pairs))
    rows = await session.execute(
        select(pairs.c.gid, pairs.c.pid, pairs.c.score)
        .order_by(pairs.c.score.desc(), pairs.c.pid.desc()).offset(offset).limit(limit)
    )
    return [Pick(gid, pid, score) for gid, pid, score in rows], total or 0


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
    if not rows:
        return set()
    statement = (insert_for(session, JobNotice).on_conflict_do_nothing()
                 .returning(JobNotice.graduate_id, JobNotice.posting_id))
    result = await session.execute(statement, rows)
    return {(gid, pid) for gid, pid in result}


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Add outbox rows in bulk, skipping idempotency keys already present (same as enqueue)."""
    if not rows:
        return
    values = [{"status": OutboxStatus.PENDING.value, "graduate_id": None, "reply_markup": None,
               **row} for row in rows]
    await session.execute(insert_for(session, OutboxMessage).on_conflict_do_nothing(), values)


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

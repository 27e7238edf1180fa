"""Jobs and internships (岗位归集与推送): postings and their trade codes, graduates' trade codes,
notices, interest (感兴趣/报名), rejections (不合适) and the employed opt-in. The matching queries
over these tables are in storage/matching.py.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    delete,
    exists,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yulu.storage.models import (
    Base,
    Cadre,
    EmploymentStatus,
    Graduate,
    Region,
    utcnow,
)
from yulu.storage.queries import insert_for

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
    """One trade code a posting asks for (ANY_CODE: 不限专业), with the posting's matching fields.

    Kind, place, education, deadline and the 不合适 keys are copied from the posting (and kept in
    step by every import), so matching filters one table joined on (code, province) and never
    touches posting or region per candidate pair.
    """

    __tablename__ = "posting_trade"

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    weight: Mapped[int] = mapped_column(SmallInteger)  # 3 major, 2 class, 1 group, 0 any
    kind: Mapped[PostingKind] = mapped_column(_enum(PostingKind))
    province: Mapped[str] = mapped_column(String(40))  # "": nationwide
    city: Mapped[str] = mapped_column(String(40))  # "": the posting names no city
    county: Mapped[str] = mapped_column(String(40))  # "": no county
    education_min: Mapped[int] = mapped_column(SmallInteger)
    deadline: Mapped[date | None] = mapped_column(Date)
    region_key: Mapped[int] = mapped_column(Integer)  # region id, 0: nationwide
    trade_key: Mapped[str] = mapped_column(String(16))
    pay: Mapped[int] = mapped_column(Integer)  # best pay offered, 0: not stated

    __table_args__ = (Index("ix_posting_trade_code_province", "code", "province", "posting_id"),)


class GraduateTrade(Base):
    """A trade code a graduate matches on, derived from their major text (a cache)."""

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
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["source_key"], set_={c: statement.excluded[c] for c in updatable}
        )
    )
    keys = [row["source_key"] for row in rows]
    found = await session.execute(
        select(Posting.source_key, Posting.id).where(Posting.source_key.in_(keys))
    )
    return {key: posting_id for key, posting_id in found}


async def replace_posting_trades(session: AsyncSession, codes: dict[int, dict[str, int]]) -> None:
    """Set each posting's trade codes (posting id → code → weight), with its matching fields."""
    await session.execute(delete(PostingTrade).where(PostingTrade.posting_id.in_(list(codes))))
    found_postings = await session.scalars(
        select(Posting).where(Posting.id.in_(list(codes))).execution_options(populate_existing=True)
    )
    postings = {posting.id: posting for posting in found_postings}
    rows = [
        {"posting_id": pid, "code": code, "weight": weight, **_match_fields(postings[pid])}
        for pid, found in codes.items()
        for code, weight in found.items()
    ]
    if rows:
        await session.execute(insert_for(session, PostingTrade), rows)


def _match_fields(posting: Posting) -> dict[str, Any]:
    region = posting.region
    return {
        "kind": posting.kind,
        "province": region.province if region else "",
        "city": (region.city or "") if region else "",
        "county": (region.county or "") if region else "",
        "education_min": posting.education_min,
        "deadline": posting.deadline,
        "region_key": posting.region_id or 0,
        "trade_key": posting.trade_key,
        "pay": posting.pay_max or posting.pay_min or 0,
    }


async def stale_postings(
    session: AsyncSession, *, version: str, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(id, majors text) of postings whose codes came from another majors map."""
    rows = await session.execute(
        select(Posting.id, Posting.majors)
        .where(Posting.id > after_id, Posting.map_version != version)
        .order_by(Posting.id)
        .limit(limit)
    )
    return [(posting_id, majors) for posting_id, majors in rows]


async def set_posting_trades(
    session: AsyncSession, *, posting_id: int, trade_key: str, version: str
) -> None:
    """Record which trade key and map version a posting's codes now have."""
    await session.execute(
        update(Posting)
        .where(Posting.id == posting_id)
        .values(trade_key=trade_key, map_version=version)
    )


async def postings_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Posting]:
    """Postings (with their region) by id."""
    found = await session.scalars(select(Posting).where(Posting.id.in_(list(ids))))
    return {posting.id: posting for posting in found}


# --- graduates' trade codes ---------------------------------------------------------------


async def stale_graduate_majors(
    session: AsyncSession, *, version: str, after_id: int, upto_id: int
) -> list[tuple[int, str]]:
    """(id, major) of graduates in an id range whose codes are missing or out of date."""
    current = exists().where(
        GraduateTrade.graduate_id == Graduate.id,
        GraduateTrade.code == ANY_CODE,
        GraduateTrade.major == Graduate.major,
        GraduateTrade.map_version == version,
        GraduateTrade.graduate_id > after_id,
        GraduateTrade.graduate_id <= upto_id,
    )
    rows = await session.execute(
        select(Graduate.id, Graduate.major).where(
            Graduate.id > after_id, Graduate.id <= upto_id, ~current
        )
    )
    return [(graduate_id, major) for graduate_id, major in rows]


async def graduate_trades_current(
    session: AsyncSession, graduate_id: int, *, major: str, version: str
) -> bool:
    """Whether a graduate's codes were derived from this major text and this map."""
    return bool(
        await session.scalar(
            select(
                exists().where(
                    GraduateTrade.graduate_id == graduate_id,
                    GraduateTrade.code == ANY_CODE,
                    GraduateTrade.major == major,
                    GraduateTrade.map_version == version,
                )
            )
        )
    )


async def replace_graduate_trades(
    session: AsyncSession, codes: dict[int, tuple[str, dict[str, int]]], *, version: str
) -> None:
    """Set each graduate's codes (graduate id → (major text, code → weight)).

    Two writers may refresh the same graduate at once (a matching run, and the graduate asking
    for jobs): neither sees the other's uncommitted rows, so the insert takes over a row the
    other wrote instead of failing on the key; both derive the same codes from the same map.
    """
    await session.execute(delete(GraduateTrade).where(GraduateTrade.graduate_id.in_(list(codes))))
    rows = [
        {"graduate_id": gid, "code": code, "weight": weight, "major": major, "map_version": version}
        for gid, (major, found) in codes.items()
        for code, weight in found.items()
    ]
    if rows:
        insert = insert_for(session, GraduateTrade)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["graduate_id", "code"],
                set_={
                    "weight": insert.excluded.weight,
                    "major": insert.excluded.major,
                    "map_version": insert.excluded.map_version,
                },
            ),
            rows,
        )


# --- interest, rejections, preferences ------------------------------------------------------


async def add_interest(
    session: AsyncSession,
    *,
    graduate_id: int,
    posting_id: int,
    cadre_id: int | None,
    cadre_told: bool,
) -> bool:
    """Record interest once; True when it is new."""
    result = await session.execute(
        insert_for(session, JobInterest)
        .values(
            graduate_id=graduate_id,
            posting_id=posting_id,
            cadre_id=cadre_id,
            cadre_told=cadre_told,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    return result.rowcount == 1


async def upsert_rejection(session: AsyncSession, values: dict[str, Any]) -> None:
    """Record (or re-record, with a reason) that a graduate declined a posting."""
    now = utcnow()
    statement = insert_for(session, JobRejection).values(**values, created_at=now, updated_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["graduate_id", "posting_id"],
            set_={"reason": statement.excluded.reason, "updated_at": now},
        )
    )


async def set_notices_while_employed(session: AsyncSession, graduate_id: int, value: bool) -> None:
    """Opt an employed graduate in to (or out of) notices."""
    statement = insert_for(session, JobPreference).values(
        graduate_id=graduate_id, notices_while_employed=value, updated_at=utcnow()
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["graduate_id"],
            set_={"notices_while_employed": value, "updated_at": utcnow()},
        )
    )


async def notices_while_employed(session: AsyncSession, graduate_id: int) -> bool:
    """Whether an employed graduate opted in to notices."""
    return bool(
        await session.scalar(
            select(JobPreference.notices_while_employed).where(
                JobPreference.graduate_id == graduate_id
            )
        )
    )


async def stream_interest(
    session: AsyncSession, *, batch: int = 1000
) -> AsyncIterator[JobInterest]:
    """Every interest row, oldest first, in batches."""
    result = await session.stream_scalars(
        select(JobInterest).order_by(JobInterest.id).execution_options(yield_per=batch)
    )
    async for row in result:
        yield row

"""Seasonal campaigns (入学季/毕业季): who a campaign reaches, and the answers it collects.

An audience is a filtered view over graduates or over roster rows (学籍/帮扶名单). A roster row
can only be messaged through the graduate who signed up and was matched to it; the audience
query brings that graduate along (or nothing), so the service can tell who is reachable in
Telegram and who is left for the cadre to contact.

A run is set-based, like the check-in round (storage/rounds.py): the audience is cut into
slices of its cursor ids, and per slice one GROUP BY counts it per county (reachable or not)
and one INSERT … SELECT enqueues the reachable, the text rendered by SQL from the locale
template split at the name. No member row reaches Python; a repeat conflicts on every key
and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Select,
    String,
    Subquery,
    UniqueConstraint,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from yulu.storage.ledger import LabourEntry
from yulu.storage.models import (
    Base,
    Cadre,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    Region,
    RosterEntry,
    utcnow,
)
from yulu.storage.queries import insert_for
from yulu.storage.rounds import OUTBOX_COLUMNS, outbox_values, rendered


class CampaignAnswer(Base):
    """A graduate's tap on a campaign's button: the latest answer per campaign and year."""

    __tablename__ = "campaign_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign: Mapped[str] = mapped_column(String(40))
    edition: Mapped[int]  # the year the campaign ran for
    graduate_id: Mapped[int] = mapped_column(ForeignKey("graduate.id", ondelete="CASCADE"))
    roster_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_entry.id", ondelete="SET NULL")
    )
    value: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(10))  # button
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("campaign", "edition", "graduate_id"),)


# A roster-sourced audience looks up the graduate matched to each roster row.
Index("ix_graduate_roster_entry_id", Graduate.roster_entry_id)


@dataclass(frozen=True)
class AudienceFilter:
    """Filters over graduate and roster fields; an empty tuple or None filters nothing."""

    source: str = "graduates"  # or "roster"
    years: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    household_types: tuple[str, ...] = ()
    education_levels: tuple[str, ...] = ()
    relocated: bool | None = None
    key_county: bool | None = None
    verified: bool | None = None
    new_labour: bool = False  # with source "roster": the 新成长劳动力 roster's rows as well


# New-labour rows page after the student roster's: their cursor is their id plus this.
LABOUR_CURSOR = 2**40


def audience_query(audience: AudienceFilter) -> Select:
    """One row per audience member, ordered by `cursor`: the graduate (if any) and the county.

    Columns: cursor, graduate_id, chat_id, name, unsubscribed_at, unreachable_at, county,
    phone_enc, school, graduation_year, cadre.
    """
    parts = [query for query, _, _ in _parts(audience)]
    if len(parts) == 1:
        return parts[0]
    union = union_all(*(part.order_by(None) for part in parts))
    return union.order_by(union.selected_columns.cursor)


def _parts(audience: AudienceFilter) -> list[tuple[Select, object, int]]:
    """The audience as (query, id column, cursor offset) parts in cursor order."""
    if audience.source != "roster":
        return [(_graduate_audience(audience), Graduate.id, 0)]
    parts = [(_roster_audience(audience), RosterEntry.id, 0)]
    if audience.new_labour and not audience.education_levels:
        parts.append((_labour_audience(audience), LabourEntry.id, LABOUR_CURSOR))
    return parts


def _graduate_audience(audience: AudienceFilter) -> Select:
    query = (
        select(
            Graduate.id.label("cursor"),
            Graduate.id.label("graduate_id"),
            Graduate.chat_id,
            Graduate.name,
            Graduate.unsubscribed_at,
            Graduate.unreachable_at,
            Region.full_name.label("county"),
            Graduate.phone_enc,
            Graduate.school,
            Graduate.graduation_year,
            Cadre.name.label("cadre"),
        )
        .join(Region, Region.id == Graduate.hukou_region_id)
        .outerjoin(Cadre, Cadre.id == Graduate.cadre_id)
    )
    if audience.household_types or audience.relocated is not None:
        query = query.outerjoin(RosterEntry, RosterEntry.id == Graduate.roster_entry_id)
    if audience.verified is not None:
        query = query.where(Graduate.verified.is_(audience.verified))
    query = _person_filters(query, audience, Graduate)
    return _common_filters(query, audience, status_of=Graduate).order_by(Graduate.id)


def _roster_audience(audience: AudienceFilter) -> Select:
    linked = aliased(Graduate)
    first_match = (
        select(func.min(Graduate.id))
        .where(Graduate.roster_entry_id == RosterEntry.id)
        .correlate(RosterEntry)
        .scalar_subquery()
    )
    query = (
        select(
            RosterEntry.id.label("cursor"),
            linked.id.label("graduate_id"),
            linked.chat_id,
            func.coalesce(linked.name, RosterEntry.name).label("name"),
            linked.unsubscribed_at,
            linked.unreachable_at,
            Region.full_name.label("county"),
            func.coalesce(linked.phone_enc, RosterEntry.phone_enc).label("phone_enc"),
            RosterEntry.school,
            RosterEntry.graduation_year,
            Cadre.name.label("cadre"),
        )
        .join(Region, Region.id == RosterEntry.hukou_region_id)
        .outerjoin(linked, linked.id == first_match)
        .outerjoin(Cadre, Cadre.id == RosterEntry.cadre_id)
    )
    if audience.verified is not None:
        query = query.where(linked.id.is_not(None) if audience.verified else linked.id.is_(None))
    query = _person_filters(query, audience, RosterEntry)
    return _common_filters(query, audience, status_of=linked).order_by(RosterEntry.id)


def _labour_audience(audience: AudienceFilter) -> Select:
    """新成长劳动力 rows, with the graduate who signed up with the same ID number (if any)."""
    linked = aliased(Graduate)
    query = (
        select(
            (LabourEntry.id + literal(LABOUR_CURSOR, BigInteger)).label("cursor"),
            linked.id.label("graduate_id"),
            linked.chat_id,
            func.coalesce(linked.name, LabourEntry.name).label("name"),
            linked.unsubscribed_at,
            linked.unreachable_at,
            Region.full_name.label("county"),
            func.coalesce(linked.phone_enc, LabourEntry.phone_enc).label("phone_enc"),
            LabourEntry.school,
            LabourEntry.leaving_year.label("graduation_year"),
            Cadre.name.label("cadre"),
        )
        .join(Region, Region.id == LabourEntry.hukou_region_id)
        .outerjoin(linked, linked.id_number_hash == LabourEntry.id_number_hash)
        .outerjoin(Cadre, Cadre.id == LabourEntry.cadre_id)
    )
    if audience.verified is not None:
        query = query.where(linked.id.is_not(None) if audience.verified else linked.id.is_(None))
    if audience.years:
        query = query.where(LabourEntry.leaving_year.in_(audience.years))
    if audience.household_types:
        query = query.where(LabourEntry.household_type.in_(audience.household_types))
    if audience.relocated is not None:
        query = query.where(LabourEntry.relocated.is_(audience.relocated))
    general = replace(audience, household_types=(), relocated=None)
    return _common_filters(query, general, status_of=linked).order_by(LabourEntry.id)


def _person_filters(query: Select, audience: AudienceFilter, person: type) -> Select:
    """Filters on the row the audience is drawn from (graduate or roster row)."""
    if audience.years:
        query = query.where(person.graduation_year.in_(audience.years))
    if audience.education_levels:
        query = query.where(person.education_level.in_(audience.education_levels))
    return query


def _common_filters(query: Select, audience: AudienceFilter, *, status_of: type) -> Select:
    if audience.statuses:
        query = query.where(status_of.status.in_(audience.statuses))
    if audience.regions:
        query = query.where(
            or_(*(Region.full_name.contains(name, autoescape=True) for name in audience.regions))
        )
    if audience.key_county is not None:
        query = query.where(Region.key_county.is_(audience.key_county))
    if audience.household_types:
        query = query.where(RosterEntry.household_type.in_(audience.household_types))
    if audience.relocated is not None:
        query = query.where(RosterEntry.relocated.is_(audience.relocated))
    return query


# --- a run, set-based ----------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignMessage:
    """A campaign year's one message, as SQL fills it in for each member."""

    key_prefix: str  # campaign:<name>:<year>: — the graduate id completes the key
    text_parts: list[str]  # the rendered template split where the member's name goes
    buttons: list[Any]
    not_before: datetime | None  # the next open day, when run on a statutory holiday
    kind: str = "campaign"


@dataclass(frozen=True)
class Slice:
    """Members of one audience part (graduates, roster, 新成长劳动力) with ids in [lo, hi)."""

    part: int
    lo: int
    hi: int


def reachable(members: Any) -> ColumnElement[bool]:
    """In Telegram, not blocked, not unsubscribed: services.campaigns.unreachable_reason is None."""
    c = members.c
    return and_(
        c.graduate_id.is_not(None),
        c.chat_id.is_not(None),
        c.unreachable_at.is_(None),
        c.unsubscribed_at.is_(None),
    )


async def audience_slices(
    session: AsyncSession, audience: AudienceFilter, *, size: int
) -> list[Slice]:
    """The audience cut into id slices of `size`, part by part, in cursor order."""
    slices = []
    for index, (_, key, _) in enumerate(_parts(audience)):
        low, high = (await session.execute(select(func.min(key), func.max(key)))).one()
        if low is not None:
            slices += [Slice(index, lo, lo + size) for lo in range(low, high + 1, size)]
    return slices


def _members(audience: AudienceFilter, piece: Slice) -> Subquery:
    query, key, _ = _parts(audience)[piece.part]
    return query.where(key >= piece.lo, key < piece.hi).order_by(None).subquery("members")


async def tally_slice(
    session: AsyncSession, audience: AudienceFilter, piece: Slice
) -> list[tuple[str, int, int]]:
    """(county, reachable, unreachable) for the slice's members, one row per county."""
    members = _members(audience, piece)
    in_reach = func.sum(case((reachable(members), 1), else_=0))
    query = select(members.c.county, in_reach, func.count()).group_by(members.c.county)
    return [(county, int(n), total - int(n)) for county, n, total in await session.execute(query)]


async def enqueue_slice(
    session: AsyncSession,
    audience: AudienceFilter,
    piece: Slice,
    message: CampaignMessage,
    *,
    now: datetime,
) -> int:
    """Enqueue the message for the slice's reachable members (one INSERT … SELECT, keys that
    exist skipped); returns how many were added."""
    members = _members(audience, piece)
    values = outbox_values(
        key_prefix=message.key_prefix,
        kind=message.kind,
        graduate_id=members.c.graduate_id,
        chat_id=members.c.chat_id,
        text=rendered(message.text_parts, members.c.name),
        buttons=message.buttons,
        not_before=message.not_before or now,
        now=now,
    )
    rows = select(*values).select_from(members).where(reachable(members))
    statement = (
        insert_for(session, OutboxMessage)
        .from_select(OUTBOX_COLUMNS, rows)
        .on_conflict_do_nothing()
    )
    return (await session.execute(statement)).rowcount


async def count_new_slice(
    session: AsyncSession, audience: AudienceFilter, piece: Slice, message: CampaignMessage
) -> int:
    """How many rows enqueue_slice would add now: reachable members without the message yet."""
    members = _members(audience, piece)
    key = literal(message.key_prefix, String) + cast(members.c.graduate_id, String)
    queued = exists().where(OutboxMessage.idempotency_key == key)
    query = select(func.count()).select_from(members).where(reachable(members), ~queued)
    return await session.scalar(query) or 0


async def reachable_names(
    session: AsyncSession, audience: AudienceFilter, *, limit: int
) -> list[str]:
    """The names of the first `limit` reachable members, in cursor order (for samples)."""
    names: list[str] = []
    for query, _, _ in _parts(audience):
        if len(names) >= limit:
            break
        members = query.subquery("members")
        page = (
            select(members.c.name)
            .where(reachable(members))
            .order_by(members.c.cursor)
            .limit(limit - len(names))
        )
        names += (await session.scalars(page)).all()
    return names


async def audience_size(session: AsyncSession, audience: AudienceFilter) -> int:
    """How many rows the audience has (for a progress bar)."""
    return await session.scalar(
        select(func.count()).select_from(audience_query(audience).order_by(None).subquery())
    )


async def save_answer(session: AsyncSession, values: dict) -> None:
    """Insert an answer, or replace the graduate's earlier answer to the same campaign and year."""
    statement = insert_for(session, CampaignAnswer).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["campaign", "edition", "graduate_id"],
            set_={k: values[k] for k in ("value", "via", "answered_at", "roster_entry_id")},
        )
    )


async def answer_counts(session: AsyncSession, *, campaign: str, edition: int) -> dict[str, int]:
    """value → how many graduates answered it."""
    rows = await session.execute(
        select(CampaignAnswer.value, func.count(CampaignAnswer.id))
        .where(CampaignAnswer.campaign == campaign, CampaignAnswer.edition == edition)
        .group_by(CampaignAnswer.value)
    )
    return dict(rows.all())


def answers_query(*, campaign: str, edition: int) -> Select:
    """Each answer with its graduate's ledger fields, in answer order."""
    return (
        select(
            CampaignAnswer.graduate_id,
            CampaignAnswer.value,
            CampaignAnswer.answered_at,
            Graduate.name,
            Graduate.phone_enc,
            Graduate.school,
            Graduate.graduation_year,
            Region.full_name.label("county"),
            Cadre.name.label("cadre"),
            RosterEntry.household_type,
        )
        .join(Graduate, Graduate.id == CampaignAnswer.graduate_id)
        .join(Region, Region.id == Graduate.hukou_region_id)
        .outerjoin(Cadre, Cadre.id == Graduate.cadre_id)
        .outerjoin(RosterEntry, RosterEntry.id == Graduate.roster_entry_id)
        .where(CampaignAnswer.campaign == campaign, CampaignAnswer.edition == edition)
        .order_by(CampaignAnswer.id)
    )


def _keyed(prefix: str) -> Select:
    return select(OutboxMessage).where(
        OutboxMessage.idempotency_key.startswith(prefix, autoescape=True)
    )


async def delivery_counts(session: AsyncSession, *, key_prefix: str) -> dict[str, int]:
    """Outbox status → count for one campaign year's messages."""
    keyed = _keyed(key_prefix).subquery()
    rows = await session.execute(select(keyed.c.status, func.count()).group_by(keyed.c.status))
    return {str(status): count for status, count in rows}


async def failure_reasons(session: AsyncSession, *, key_prefix: str) -> list[tuple[str, int]]:
    """Why messages failed for good, most frequent first."""
    keyed = _keyed(key_prefix).where(OutboxMessage.status == OutboxStatus.FAILED).subquery()
    reason = func.coalesce(keyed.c.last_error, "")
    rows = await session.execute(
        select(reason, func.count()).group_by(reason).order_by(func.count().desc())
    )
    return [(text, count) for text, count in rows]

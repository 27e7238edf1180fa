"""The monthly check-in round as set-based SQL: counted, and enqueued by INSERT … SELECT.

A round over 3 million graduates never brings a graduate row into Python. The message text is
rendered by the database from the locale template: the service renders the template once with
a marker where the name goes, and SQL puts each graduate's name in the marker's place
(`'…' || graduate.name || '…'`), so the row holds exactly the text Python would have rendered.
The audience is everyone active who has no check-in row for the month yet — the same rule for
a dry run and a real run, so a dry run counts exactly what the run would add, and a repeat
finds nobody (one anti-join on the check_in unique index) and writes nothing.

`rendered` and `outbox_values` are the two pieces every set-based enqueue shares (the round
here, campaigns in storage/campaigns.py): the text from template parts and a name column, and
the outbox row's columns in `OUTBOX_COLUMNS` order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Select, String, cast, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from yulu.storage.models import CheckIn, Graduate, OutboxMessage, OutboxStatus, Region
from yulu.storage.queries import insert_for


@dataclass(frozen=True)
class RoundMessage:
    """The round's one message, as SQL will fill it in for each graduate."""

    period: str
    text_parts: list[str]  # the rendered template split where the graduate's name goes
    buttons: list[Any]
    kind: str = "checkin"


def _active(period: str, lo: int, hi: int) -> list[ColumnElement[bool]]:
    """Reachable, subscribed, not paused past `period`, not yet asked for it; ids in [lo, hi)."""
    asked = exists().where(CheckIn.graduate_id == Graduate.id, CheckIn.period == period)
    return [
        Graduate.id >= lo,
        Graduate.id < hi,
        Graduate.chat_id.is_not(None),
        Graduate.unsubscribed_at.is_(None),
        Graduate.unreachable_at.is_(None),
        Graduate.paused_until.is_(None) | (Graduate.paused_until < period),
        ~asked,
    ]


async def id_span(session: AsyncSession) -> tuple[int, int]:
    """The lowest and one past the highest graduate id (0, 0 when there is none)."""
    low, high = (await session.execute(select(func.min(Graduate.id), func.max(Graduate.id)))).one()
    return (low, high + 1) if low is not None else (0, 0)


async def count_by_county(session: AsyncSession, period: str, lo: int, hi: int) -> Counter[str]:
    """Who the round would ask now, per 户籍县, among ids in [lo, hi)."""
    query = (
        select(Region.full_name, func.count())
        .select_from(Graduate)
        .join(Region, Region.id == Graduate.hukou_region_id)
        .where(*_active(period, lo, hi))
        .group_by(Region.full_name)
    )
    return Counter({county: n for county, n in await session.execute(query)})


OUTBOX_COLUMNS = [
    "idempotency_key",
    "kind",
    "chat_id",
    "graduate_id",
    "text",
    "buttons",
    "status",
    "attempts",
    "not_before",
    "created_at",
]


def rendered(parts: list[str], name: ColumnElement[str]) -> ColumnElement[str]:
    """The template's parts with each row's name between them, concatenated by SQL."""
    text: ColumnElement[str] = literal(parts[0], String)
    for part in parts[1:]:
        text = text + name + literal(part, String)
    return text


def outbox_values(
    *,
    key_prefix: str,
    kind: str,
    graduate_id: ColumnElement[int],
    chat_id: ColumnElement[int],
    text: ColumnElement[str],
    buttons: list[Any],
    not_before: datetime,
    now: datetime,
) -> list[ColumnElement[Any]]:
    """An outbox row as SELECT columns in OUTBOX_COLUMNS order; the key is prefix + graduate id."""
    status_type = OutboxMessage.__table__.c.status.type
    when = OutboxMessage.__table__.c.created_at.type
    return [
        literal(key_prefix, String) + cast(graduate_id, String),
        literal(kind, String),
        chat_id,
        graduate_id,
        text,
        literal(buttons, JSON),
        literal(OutboxStatus.PENDING, status_type),
        literal(0),
        literal(not_before, when),
        literal(now, when),
    ]


def outbox_rows(message: RoundMessage, lo: int, hi: int, now: datetime) -> Select:
    """The round's outbox rows for ids in [lo, hi), as a SELECT (no row reaches Python)."""
    values = outbox_values(
        key_prefix=f"{message.kind}:{message.period}:",
        kind=message.kind,
        graduate_id=Graduate.id,
        chat_id=Graduate.chat_id,
        text=rendered(message.text_parts, Graduate.name),
        buttons=message.buttons,
        not_before=now,
        now=now,
    )
    return select(*values).select_from(Graduate).where(*_active(message.period, lo, hi))


async def enqueue_round(
    session: AsyncSession, message: RoundMessage, lo: int, hi: int, *, now: datetime
) -> int:
    """Ask everyone the round would ask among ids in [lo, hi): one outbox row and one
    check_in row each, two INSERT … SELECT statements; returns how many were asked."""
    into_outbox = (
        insert_for(session, OutboxMessage)
        .from_select(OUTBOX_COLUMNS, outbox_rows(message, lo, hi, now))
        .on_conflict_do_nothing()
    )
    added = (await session.execute(into_outbox)).rowcount
    # The outbox rows are in: the same audience, read again, is still "not yet asked".
    into_check_in = (
        insert_for(session, CheckIn)
        .from_select(
            ["graduate_id", "period", "asked_at"],
            select(
                Graduate.id,
                literal(message.period, String),
                literal(now, CheckIn.__table__.c.asked_at.type),
            )
            .select_from(Graduate)
            .where(*_active(message.period, lo, hi)),
        )
        .on_conflict_do_nothing()
    )
    await session.execute(into_check_in)
    return added

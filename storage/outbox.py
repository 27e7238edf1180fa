"""Outbox rows: enqueue once per idempotency key, claim atomically, record the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import OutboxMessage, OutboxStatus, utcnow
from yulu.storage.queries import insert_for, insert_ignore


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    chat_id: int,
    text: str,
    reply_markup: dict[str, Any] | None = None,
    graduate_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message unless one with this idempotency key exists; True when added."""
    values: dict[str, Any] = {
        "idempotency_key": key,
        "kind": kind,
        "chat_id": chat_id,
        "text": text,
        "reply_markup": reply_markup,
        "graduate_id": graduate_id,
        "status": OutboxStatus.PENDING.value,
    }
    if not_before is not None:
        values["not_before"] = not_before
    return await insert_ignore(session, OutboxMessage, values)


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Add many messages in one statement, skipping keys that exist; returns how many were added.

    Each row has the keyword arguments of `enqueue` (key, kind, chat_id, text, reply_markup,
    graduate_id); a round writes a thousand rows per statement instead of a thousand statements.
    """
    if not rows:
        return 0
    values = [
        {
            "idempotency_key": r["key"],
            "kind": r["kind"],
            "chat_id": r["chat_id"],
            "text": r["text"],
            "reply_markup": r.get("reply_markup"),
            "graduate_id": r.get("graduate_id"),
            "status": OutboxStatus.PENDING.value,
            "not_before": r.get("not_before") or utcnow(),
        }
        for r in rows
    ]
    statement = (
        insert_for(session, OutboxMessage)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    return len((await session.execute(statement, values)).all())


async def claim(
    session: AsyncSession, *, worker: str, limit: int, now: datetime, lease: timedelta
) -> Sequence[OutboxMessage]:
    """Atomically take up to `limit` due rows (and rows whose sender died) for this worker.

    PostgreSQL: the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent
    senders never take the same row. SQLite: the single UPDATE ... RETURNING runs under the
    database's write lock, which is just as exclusive.
    """
    due = or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.not_before <= now),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < now - lease),
    )
    candidates = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.scalars(statement)).all()
    return sorted(rows, key=lambda row: row.id)


async def finish(session: AsyncSession, message_id: int, **values: Any) -> None:
    """Record the outcome of one send (sent, retry later, failed)."""
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
    )


async def counts_by_status(session: AsyncSession, *, key_prefix: str = "") -> dict[str, int]:
    """How many rows are pending, sending, sent, failed (optionally for one key prefix)."""
    query = select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
        OutboxMessage.status
    )
    if key_prefix:
        query = query.where(OutboxMessage.idempotency_key.startswith(key_prefix))
    return {str(status): count for status, count in await session.execute(query)}

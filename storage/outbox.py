"""Outbox rows: enqueue once per idempotency key, claim atomically, record the outcome."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import Graduate, OutboxMessage, OutboxStatus, utcnow
from yulu.storage.queries import insert_new


@dataclass(frozen=True)
class Outgoing:
    """One proactive message to queue: the one row shape every enqueue path uses.

    `buttons` is the channel-neutral JSON of yulu.services.actions (the channel renders it when
    it sends); `key` is the idempotency key: a second row with the same key is never added.
    """

    key: str
    kind: str
    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]] | None = None
    graduate_id: int | None = None
    not_before: datetime | None = None


async def enqueue(session: AsyncSession, message: Outgoing) -> bool:
    """Add a message unless one with this idempotency key exists; True when added."""
    return await enqueue_many(session, [message]) == 1


async def enqueue_many(session: AsyncSession, messages: Sequence[Outgoing]) -> int:
    """Add many messages in one statement, skipping keys that exist; returns how many were added."""
    now = utcnow()
    rows = [
        {
            "idempotency_key": m.key,
            "kind": m.kind,
            "chat_id": m.chat_id,
            "text": m.text,
            "buttons": m.buttons,
            "graduate_id": m.graduate_id,
            "not_before": m.not_before or now,
        }
        for m in messages
    ]
    added = await insert_new(
        session,
        OutboxMessage,
        rows,
        same={"status": OutboxStatus.PENDING.value, "attempts": 0, "created_at": now},
        returning=(OutboxMessage.id,),
    )
    return len(added)


async def claim(
    session: AsyncSession,
    *,
    worker: str,
    limit: int,
    now: datetime,
    lease: timedelta,
    held: Collection[int] = (),
    kinds: Collection[str] | None = None,
) -> Sequence[OutboxMessage]:
    """Atomically take up to `limit` due rows (and rows whose sender died) for this worker.

    PostgreSQL: the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent
    senders never take the same row. SQLite: the single UPDATE ... RETURNING runs under the
    database's write lock, which is just as exclusive. `held`: rows this worker still has in
    hand, never taken again by it even once their lease has run out. `kinds`: only rows of
    these kinds (None: any).
    """
    due = or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.not_before <= now),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < now - lease),
    )
    candidates = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if held:
        candidates = candidates.where(OutboxMessage.id.not_in(list(held)))
    if kinds is not None:
        candidates = candidates.where(OutboxMessage.kind.in_(list(kinds)))
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


async def undeliverable_reason(session: AsyncSession, row: OutboxMessage) -> str | None:
    """Why a row to a graduate must not go out any more (unsubscribed, unreachable), or None.

    Only rows addressed to the graduate's own chat: an alert about them to a cadre still goes.
    """
    if row.graduate_id is None:
        return None
    found = (
        await session.execute(
            select(Graduate.chat_id, Graduate.unsubscribed_at, Graduate.unreachable_at).where(
                Graduate.id == row.graduate_id
            )
        )
    ).first()
    if found is None or found.chat_id != row.chat_id:
        return None
    if found.unsubscribed_at is not None:
        return "unsubscribed"
    return "unreachable" if found.unreachable_at is not None else None


async def cancel_queued_for(
    session: AsyncSession, *, graduate_id: int, chat_id: int | None, reason: str
) -> int:
    """Cancel every message still waiting for a graduate's own chat; returns how many."""
    if chat_id is None:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.chat_id == chat_id,
            or_(OutboxMessage.graduate_id == graduate_id, OutboxMessage.graduate_id.is_(None)),
        )
        .values(status=OutboxStatus.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount

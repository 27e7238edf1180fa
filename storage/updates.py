"""Processed Telegram updates: the dedupe ledger behind "the same update twice has one effect".

A claim is checked at once and *written when the update's transaction commits*: the row goes
in by a `before_commit` hook, as the last statement before COMMIT. SQLite has one writer, and
an INSERT at the start of every update would hold that one write lock across the whole update
(state read, who is talking, the handler), serialising every update of every user behind it;
written last, a read-only update holds it for two statements. Nothing else changes: the row
still commits with the update's effects, and if a second delivery of the same update got past
the check at the same moment, its INSERT finds the first one's row and its commit fails —
rolling back its effects before any reply of its own went out (replies commit first).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, event, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from yulu.storage.models import ProcessedUpdate, utcnow
from yulu.storage.queries import insert_for

CLAIMS = "yulu.update_claims"  # Session.info key: claims to write at commit


class AlreadyProcessed(Exception):
    """Another delivery of this update committed first; this transaction must not."""


async def claim_update(session: AsyncSession, *, bot_id: int, update_id: int) -> bool:
    """Claim an update for this transaction; False when an earlier delivery already has it."""
    seen = await session.scalar(
        select(
            exists().where(ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id)
        )
    )
    if seen:
        return False
    session.sync_session.info.setdefault(CLAIMS, []).append(
        {"bot_id": bot_id, "update_id": update_id}
    )
    return True


@event.listens_for(Session, "before_commit")
def _write_claims(session: Session) -> None:
    """Write the transaction's update claims as its last statements (see the module doc)."""
    claims: list[dict[str, Any]] = session.info.pop(CLAIMS, [])
    for claim in claims:
        statement = insert_for(session, ProcessedUpdate).values(**claim, processed_at=utcnow())
        if session.execute(statement.on_conflict_do_nothing()).rowcount != 1:
            raise AlreadyProcessed(f"update {claim['update_id']} was processed by another delivery")


@event.listens_for(Session, "after_rollback")
def _drop_claims(session: Session) -> None:
    session.info.pop(CLAIMS, None)


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop old dedupe rows (Telegram never redelivers after a day)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    )
    return result.rowcount

"""Processed Telegram updates: the dedupe ledger behind "the same update twice has one effect"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import ProcessedUpdate
from yulu.storage.queries import insert_ignore


async def claim_update(session: AsyncSession, *, bot_id: int, update_id: int) -> bool:
    """Record an update as processed; False when another delivery already claimed it."""
    return await insert_ignore(session, ProcessedUpdate, {"bot_id": bot_id, "update_id": update_id})


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop old dedupe rows (Telegram never redelivers after a day)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    )
    return result.rowcount

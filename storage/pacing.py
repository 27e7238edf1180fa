"""The bot token's send budget shared by every process on one PostgreSQL store.

One row per token holds the time its next message slot is free; one row per chat holds the
time that chat may get its next message (or until when a process holds its turn). Times are
the database's clock (epoch seconds), so processes on different machines agree on them. The
table is UNLOGGED on PostgreSQL: it is worth nothing after a crash (every slot is seconds
long), so it skips the write-ahead log. SQLite runs one process and never uses it.
"""

from __future__ import annotations

import itertools

from sqlalchemy import Float, String, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from yulu.storage.models import Base

NOW = "extract(epoch from clock_timestamp())"


class SendBudget(Base):
    """When a token's next slot, or a chat's next message, is free (epoch seconds, DB clock)."""

    __tablename__ = "send_budget"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    free_at: Mapped[float] = mapped_column(Float)


_TAKE_SLOT = text(
    f"""
    INSERT INTO send_budget (key, free_at) VALUES (:key, {NOW} + :spacing)
    ON CONFLICT (key) DO UPDATE
        SET free_at = greatest(send_budget.free_at, {NOW}) + :spacing
    RETURNING free_at - :spacing - {NOW}
    """
)
_TAKE_CHAT = text(
    f"""
    INSERT INTO send_budget (key, free_at) VALUES (:key, {NOW} + :hold)
    ON CONFLICT (key) DO UPDATE SET free_at = {NOW} + :hold
        WHERE send_budget.free_at <= {NOW}
    RETURNING 0.0
    """
)
_CHAT_WAIT = text(f"SELECT free_at - {NOW} FROM send_budget WHERE key = :key")
_FREE_CHAT = text(f"UPDATE send_budget SET free_at = {NOW} + :after WHERE key = :key")
_FORGET = text(f"DELETE FROM send_budget WHERE key LIKE :prefix AND free_at < {NOW} - 60")


class DatabaseBudget:
    """yulu.services.pacing.Budget in PostgreSQL: one autocommit statement per booking."""

    FORGET_EVERY = 2000

    def __init__(self, engine: AsyncEngine, bot_id: int) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._slot_key = f"slot:{bot_id}"
        self._chat_prefix = f"chat:{bot_id}:"
        self._calls = itertools.count(1)

    async def take_slot(self, spacing: float) -> float:
        async with self._engine.connect() as connection:
            return float(
                await connection.scalar(_TAKE_SLOT, {"key": self._slot_key, "spacing": spacing})
            )

    async def take_chat(self, chat_id: int, hold: float) -> float:
        key = f"{self._chat_prefix}{chat_id}"
        async with self._engine.connect() as connection:
            if await connection.scalar(_TAKE_CHAT, {"key": key, "hold": hold}) is not None:
                return 0.0
            wait = await connection.scalar(_CHAT_WAIT, {"key": key})
        return max(float(wait or 0.0), 0.01)

    async def free_chat(self, chat_id: int, after: float) -> None:
        async with self._engine.connect() as connection:
            key = f"{self._chat_prefix}{chat_id}"
            await connection.execute(_FREE_CHAT, {"key": key, "after": after})
            if next(self._calls) % self.FORGET_EVERY == 0:
                await connection.execute(_FORGET, {"prefix": f"{self._chat_prefix}%"})


def shared_budget(engine: AsyncEngine, bot_id: int) -> DatabaseBudget | None:
    """The token's shared budget on PostgreSQL; None on SQLite (one process, paced alone)."""
    return DatabaseBudget(engine, bot_id) if engine.dialect.name == "postgresql" else None

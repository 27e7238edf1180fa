"""Process leadership through PostgreSQL advisory locks (SQLite runs a single process)."""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


def lock_key(name: str) -> int:
    """A stable 31-bit advisory lock key for a name such as "outbox:<bot id>"."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


class Leadership:
    """Held by at most one process at a time; released when that process's connection ends."""

    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self._engine = engine
        self._key = lock_key(name)
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._engine.dialect.name != "postgresql" or self._connection is not None

    async def try_acquire(self) -> bool:
        """Take the lead if nobody has it (always true on SQLite)."""
        if self.held:
            return True
        connection = await self._engine.connect()
        got = await connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
        await connection.commit()
        if got:
            self._connection = connection  # the lock lives as long as this connection
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

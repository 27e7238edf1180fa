"""Test databases: a real, fresh database, on SQLite and (when configured) PostgreSQL.

PostgreSQL tests need YULU_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test);
each test gets a database of its own, created from that server and dropped afterwards. Without
the variable those tests are skipped with a visible reason, never passed silently.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from yulu.storage import migrate

PG_ENV = "YULU_TEST_DATABASE_URL"
PG_SKIP = f"PostgreSQL not configured: set {PG_ENV}=postgresql://user@host:5432/db to run"
BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=PG_SKIP)),
]


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        user=parsed.username,
        password=parsed.password,
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        database=parsed.database,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _pg_database(name: str) -> str:
    return make_url(os.environ[PG_ENV]).set(database=name).render_as_string(hide_password=False)


@contextmanager
def fresh_database(backend: str, folder: Path, *, migrated: bool = True) -> Iterator[str]:
    """A new database on `backend`, migrated to head unless asked not to; dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'yulu.db'}"
        if migrated:
            migrate.upgrade(url)
        yield url
        return
    name = f"yulu_t_{uuid.uuid4().hex[:12]}"
    base = os.environ[PG_ENV]
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    url = _pg_database(name)
    try:
        if migrated:
            migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

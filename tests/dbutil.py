"""Test databases: a real database per test, on SQLite and (when configured) PostgreSQL.

The schema is migrated once per backend per test session, into a template; each test gets a
copy of it (SQLite: a file copy, PostgreSQL: CREATE DATABASE … TEMPLATE), so every test starts
from the migrated, empty schema and nothing one test writes is seen by another. One test
(tests/storage/test_migrations.py) still runs the migrations on an empty database.

PostgreSQL tests need YULU_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test);
their databases are created on that server and dropped afterwards. Without the variable those
tests are skipped with a visible reason, never passed silently.
"""

from __future__ import annotations

import asyncio
import os
import shutil
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
SQLITE_NAME = "yulu.db"


async def _admin(url: str, *statements: str) -> None:
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
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _pg_admin(*statements: str, server: str | None = None) -> None:
    asyncio.run(_admin(server or os.environ[PG_ENV], *statements))


def _pg_database(name: str, server: str | None = None) -> str:
    url = make_url(server or os.environ[PG_ENV])
    return url.set(database=name).render_as_string(hide_password=False)


def _pg_name(kind: str) -> str:
    return f"yulu_{kind}_{uuid.uuid4().hex[:12]}"


@contextmanager
def fresh_database(
    backend: str, folder: Path, *, migrated: bool = True, server: str | None = None
) -> Iterator[str]:
    """A new database on `backend`, migrated to head unless asked not to; dropped afterwards.

    SQLite: a new file in `folder` (several may share one folder). PostgreSQL: a new database on
    `server` (default: YULU_TEST_DATABASE_URL), dropped on the way out. The benchmarks use it too.
    """
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'yulu-{uuid.uuid4().hex[:8]}.db'}"
        if migrated:
            migrate.upgrade(url)
        yield url
        return
    name = _pg_name("t")
    _pg_admin(f'CREATE DATABASE "{name}"', server=server)
    url = _pg_database(name, server)
    try:
        if migrated:
            migrate.upgrade(url)
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server=server)


class Templates:
    """One migrated database per backend for the session; tests get copies of it."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: str | None = None

    def _sqlite_template(self) -> Path:
        if self._sqlite is None:
            path = self._folder / SQLITE_NAME
            migrate.upgrade(f"sqlite:///{path}")
            self._sqlite = path
        return self._sqlite

    def _postgres_template(self) -> str:
        if self._postgres is None:
            name = _pg_name("template")
            _pg_admin(f'CREATE DATABASE "{name}"')
            migrate.upgrade(_pg_database(name))
            self._postgres = name
        return self._postgres

    @contextmanager
    def copy(self, backend: str, folder: Path) -> Iterator[str]:
        """A database of its own for one test, at head, empty; dropped afterwards."""
        if backend == "sqlite":
            template = self._sqlite_template()
            for part in template.parent.glob(f"{SQLITE_NAME}*"):  # the file and any WAL
                shutil.copyfile(part, folder / part.name)
            yield f"sqlite:///{folder / SQLITE_NAME}"
            return
        template = self._postgres_template()
        name = _pg_name("t")
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield _pg_database(name)
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._postgres is not None:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self._postgres}" WITH (FORCE)')
            self._postgres = None

"""Engines and sessions: one plain SQLAlchemy URL in, the right async driver out."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from yulu.storage import sqlite_inloop
from yulu.storage.sqlite_writer import serialise_writes

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "postgres":
        return "postgresql"
    if backend not in ASYNC_DRIVERS:
        raise ValueError(f"unsupported database: {backend} (use sqlite:// or postgresql://)")
    return backend


def async_url(database_url: str) -> URL:
    """Turn 'sqlite:///x.db' or 'postgresql://u@h/db' into the async-driver URL."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    return url.set(drivername=ASYNC_DRIVERS[_backend(url)])


def sqlite_file(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for a server database or in-memory SQLite."""
    url = make_url(database_url)
    if _backend(url) != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets CLI commands enqueue while `yulu run` reads; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(database_url: str, *, echo: bool = False, in_loop: bool = False) -> AsyncEngine:
    """Create the async engine for a plain database URL.

    `in_loop`: on SQLite, run statements on the event loop's thread instead of aiosqlite's
    (storage/sqlite_inloop.py) — for short statements only; ignored for PostgreSQL.
    """
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = sqlite_file(database_url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, object] = {"timeout": 30}
        if in_loop:
            url = url.set(drivername=sqlite_inloop.DRIVER)
            connect_args["check_same_thread"] = False  # the pool hands it out, one at a time
        engine = create_async_engine(url, echo=echo, connect_args=connect_args)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        if in_loop:
            event.listen(engine.sync_engine, "connect", sqlite_inloop.tune)
        serialise_writes(engine)
        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (handlers render after saving)."""
    return async_sessionmaker(engine, expire_on_commit=False)

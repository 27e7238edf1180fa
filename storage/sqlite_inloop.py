"""SQLite run in the event loop's own thread: the bot's per-update statements without hand-offs.

aiosqlite runs every call on a worker thread and hands the result back through the event loop:
a statement costs about ten such round trips (cursor, execute, fetch, close…), and on the
bot's hot path — a handful of indexed statements per update — those hand-offs cost more than
SQLite itself (the inbound bench, README "Inbound speed"). This dialect is SQLAlchemy's own
pysqlite dialect, marked async: the async engine runs it inside its greenlet like any async
driver, and each statement simply executes, in microseconds, on the loop's thread.

The price: while a statement runs, the loop waits. That is right for short indexed
statements and wrong for a long report, so only the bot's update sessions use this engine
(`Runtime.update_sessions`); the console, the calendar, the sender and CLI commands stay on
aiosqlite. Writers of both engines queue on one asyncio lock per database file
(storage/sqlite_writer.py), so in this process a write never meets SQLite's busy handler;
while another process (a CLI command) holds SQLite's write lock, a write here waits for it
with the loop free (`_begin_writing`). PostgreSQL is the store for several processes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.base import SQLiteExecutionContext
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_only

from yulu.storage.sqlite_writer import WAIT_SECONDS, is_write

DRIVER = "sqlite+inloop"


class _Cursor(sqlite3.Cursor):
    """A sqlite3 cursor with the one coroutine SQLAlchemy's asyncio layer calls on results.

    An async driver's cursor buffers its remaining rows here; this one can still fetch them
    later without awaiting anything, so there is nothing to do.
    """

    async def _async_soft_close(self) -> None:
        return None


class _InLoopExecutionContext(SQLiteExecutionContext):
    def create_default_cursor(self) -> Any:
        return self._dbapi_connection.cursor(_Cursor)

    def create_server_side_cursor(self) -> Any:
        # A sqlite3 cursor already steps through rows on demand: streaming needs nothing more.
        return self._dbapi_connection.cursor(_Cursor)


async def _ready() -> None:
    return None


READ_BUSY_MS = 50  # a read waits this long in the loop at most (WAL: readers rarely wait)


def _begin_writing(connection: sqlite3.Connection) -> None:
    """Take SQLite's write lock for the transaction without holding the event loop.

    Another process (a CLI command) may hold the lock for seconds; SQLite's busy handler
    would wait for it right here, on the loop's thread, and every update would stand still.
    Instead the lock is tried without waiting (BEGIN IMMEDIATE, busy_timeout 0) and, while
    another process has it, tried again after an `await` — the loop serves everything else
    meanwhile. In this process writers already queue on the asyncio lock of
    storage/sqlite_writer.py, taken before this.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    delay = 0.005
    while True:
        connection.execute("PRAGMA busy_timeout=0")
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        finally:
            connection.execute(f"PRAGMA busy_timeout={READ_BUSY_MS}")
        await_only(asyncio.sleep(delay))
        delay = min(delay * 2, 0.1)


class InLoopSQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite, usable by SQLAlchemy's async engine (`sqlite+inloop://`).

    Each execute passes once through the async layer (`await_only` of a finished coroutine:
    a greenlet switch, no trip through the event loop), because `AsyncConnection.execute`
    insists that a statement awaited something.
    """

    driver = "inloop"
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = True
    execution_ctx_cls = _InLoopExecutionContext

    def do_execute(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        self._before(cursor, statement)
        super().do_execute(cursor, statement, parameters, context)

    def do_executemany(
        self, cursor: Any, statement: Any, parameters: Any, context: Any = None
    ) -> None:
        self._before(cursor, statement)
        super().do_executemany(cursor, statement, parameters, context)

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        self._before(cursor, statement)
        super().do_execute_no_params(cursor, statement, context)

    def _before(self, cursor: Any, statement: str) -> None:
        connection = cursor.connection
        if not connection.in_transaction and is_write(statement):
            _begin_writing(connection)  # awaits while another process holds the write lock
        else:
            await_only(_ready())

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # The asyncio-aware queue: a full pool makes a coroutine wait, never blocks the thread.
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register(DRIVER.replace("+", "."), __name__, InLoopSQLiteDialect.__name__)


def tune(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    """After the engine's own tuning: a read waits in the loop at most READ_BUSY_MS."""
    dbapi_connection.execute(f"PRAGMA busy_timeout={READ_BUSY_MS}")

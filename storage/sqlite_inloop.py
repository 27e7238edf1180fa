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
a write by another process (a CLI command) holds the loop for as long as it holds SQLite's
lock — PostgreSQL is the store for several processes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.base import SQLiteExecutionContext
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_only

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
        await_only(_ready())
        super().do_execute(cursor, statement, parameters, context)

    def do_executemany(
        self, cursor: Any, statement: Any, parameters: Any, context: Any = None
    ) -> None:
        await_only(_ready())
        super().do_executemany(cursor, statement, parameters, context)

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        await_only(_ready())
        super().do_execute_no_params(cursor, statement, context)

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # The asyncio-aware queue: a full pool makes a coroutine wait, never blocks the thread.
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register(DRIVER.replace("+", "."), __name__, InLoopSQLiteDialect.__name__)

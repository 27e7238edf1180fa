"""SQLite's one writer, queued in the event loop instead of in SQLite's busy handler.

SQLite lets one transaction write at a time; a second writer waits in SQLite's busy handler,
which sleeps in steps of up to 100 ms and retries. Under a burst of updates those sleeps add
up: the lock is often free while every waiter is still asleep. Here a process-wide asyncio
lock is taken before a transaction's first write statement and released when it commits or
rolls back, so writers queue first come first served and the next one starts the moment the
lock is free. Reads (WAL) never wait. Other processes (a CLI command) still meet SQLite's own
lock, as before.
"""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

WRITES = ("insert", "update", "delete", "replace")
HOLDS = "yulu.sqlite_write_lock"  # Connection.info key: this transaction holds the lock
WAIT_SECONDS = 30.0  # as long as SQLite's busy_timeout: then fail like SQLite would
# database file -> event loop -> its lock (a CLI command may run several loops on one engine)
_LOCKS: dict[str, weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]] = {}


def is_write(statement: str) -> bool:
    """Whether a statement writes (takes SQLite's one write lock)."""
    return statement.lstrip()[:7].lower().startswith(WRITES)


def serialise_writes(engine: AsyncEngine) -> None:
    """Queue this engine's write transactions on the database file's asyncio lock (SQLite).

    Every engine of this process on the same file shares the lock (the bot's in-loop engine
    and the aiosqlite one, storage/sqlite_inloop.py): a writer of one engine waiting in
    SQLite's busy handler for a writer of the other would hold the loop that writer needs.
    """
    database = str(Path(engine.sync_engine.url.database or ":memory:").resolve())
    locks = _LOCKS.setdefault(database, weakref.WeakKeyDictionary())

    def before_cursor_execute(conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
        if conn.info.get(HOLDS) or not is_write(statement):
            return
        lock = locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        if lock.locked():
            await_only(asyncio.wait_for(lock.acquire(), WAIT_SECONDS))
        else:  # the common case: taken at once, without a timeout task around it
            await_only(lock.acquire())
        conn.info[HOLDS] = lock

    def release(info: dict) -> None:
        lock = info.pop(HOLDS, None)
        if lock is not None:
            lock.release()

    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", before_cursor_execute)
    event.listen(sync, "commit", lambda conn: release(conn.info))
    event.listen(sync, "rollback", lambda conn: release(conn.info))
    # However a connection goes back to the pool, its transaction is over: never keep the lock.
    event.listen(sync.pool, "checkin", lambda _dbapi, record: release(record.info))

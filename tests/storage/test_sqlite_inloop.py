"""The bot's in-loop SQLite sessions beside the aiosqlite ones (storage/sqlite_inloop.py)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import func, select, text
from waiting import eventually

from yulu.services.context import Runtime
from yulu.storage.engine import sqlite_file
from yulu.storage.models import ProcessedUpdate


def _update(update_id: int) -> ProcessedUpdate:
    return ProcessedUpdate(bot_id=1, update_id=update_id)


async def _count(runtime: Runtime) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


async def test_update_sessions_run_in_the_loop_on_sqlite_only(runtime: Runtime) -> None:
    update_driver = runtime.update_sessions.kw["bind"].dialect.driver
    other_driver = runtime.session_factory.kw["bind"].dialect.driver
    if runtime.engine.dialect.name == "sqlite":
        assert (update_driver, other_driver) == ("inloop", "aiosqlite")
    else:
        assert runtime.update_sessions is runtime.session_factory


async def test_core_queries_streams_and_writes_work_in_the_loop(runtime: Runtime) -> None:
    """What handlers do through the update session: ORM and Core reads, streams, writes."""
    async with runtime.update_sessions.begin() as session:
        session.add_all(_update(i) for i in range(1, 6))
    async with runtime.update_sessions() as session:
        rows = (await session.execute(text("SELECT update_id FROM processed_update"))).all()
        assert sorted(r.update_id for r in rows) == [1, 2, 3, 4, 5]
        streamed = await session.stream_scalars(
            select(ProcessedUpdate.update_id)
            .order_by(ProcessedUpdate.update_id)
            .execution_options(yield_per=2)
        )
        assert [u async for u in streamed] == [1, 2, 3, 4, 5]
    assert await _count(runtime) == 5


async def test_a_write_waits_for_the_other_engines_writer_without_holding_the_loop(
    runtime: Runtime,
) -> None:
    """An aiosqlite transaction holds SQLite's write lock; the bot's in-loop write queues on
    the shared lock instead of freezing the event loop in SQLite's busy handler (which would
    keep the first writer from ever committing)."""
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one writer: PostgreSQL has row locks")
    release = asyncio.Event()
    first_wrote = asyncio.Event()

    async def first() -> None:
        async with runtime.session_factory.begin() as session:
            session.add(_update(1))
            await session.flush()
            first_wrote.set()
            await release.wait()

    async def second() -> None:
        await first_wrote.wait()
        async with runtime.update_sessions.begin() as session:
            session.add(_update(2))

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await asyncio.wait_for(first_wrote.wait(), 30)
    for _ in range(20):  # let the second writer reach the lock; the loop stays free meanwhile
        await asyncio.sleep(0)
    assert not tasks[1].done()
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    assert await eventually(lambda: _count(runtime), what="both rows", timeout=30) == 2


async def test_core_statements_through_the_sessions_connection(runtime: Runtime) -> None:
    """`AsyncConnection.execute` insists a statement awaited something: it works here too."""
    async with runtime.update_sessions.begin() as session:
        connection = await session.connection()
        await connection.execute(ProcessedUpdate.__table__.insert().values(bot_id=1, update_id=9))
        result = await connection.exec_driver_sql("SELECT count(*) FROM processed_update")
        assert result.scalar() == 1
    assert await _count(runtime) == 1


async def test_while_another_process_writes_the_bot_waits_without_holding_the_loop(
    runtime: Runtime,
) -> None:
    """A CLI command (another connection, outside this process's lock) holds SQLite's write
    lock; the bot's write waits for it with the event loop free — other work goes on — and
    goes in once the other writer commits."""
    path = sqlite_file(runtime.settings.database_url)
    if path is None:
        pytest.skip("SQLite's one writer: PostgreSQL has row locks")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other process's transaction, not yet committed
    other.execute(
        "INSERT INTO processed_update (bot_id, update_id, processed_at) VALUES (1, 1, '2026-12-01')"
    )

    async def bot_writes() -> None:
        async with runtime.update_sessions.begin() as session:
            session.add(_update(2))

    writing = asyncio.create_task(bot_writes())
    for _ in range(50):  # the loop keeps turning while the bot's write waits
        await asyncio.sleep(0)
    assert not writing.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, 30)
    assert await _count(runtime) == 2

"""Alembic environment: runs migrations over the async engine Yulu uses everywhere."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from yulu.storage.engine import create_engine
from yulu.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(config.attributes["database_url"])
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run_offline() -> None:
    """Emit SQL without a connection (alembic --sql)."""
    context.configure(url=config.attributes["database_url"], target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())

"""Small dialect-aware helpers shared by the query modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from yulu.storage.models import Base


def insert_for(session: AsyncSession, model: type[Base]) -> Insert:
    """An INSERT with ON CONFLICT support for the session's dialect."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


async def insert_ignore(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert a row unless it conflicts with an existing one; True when it was inserted."""
    statement = insert_for(session, model).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return result.rowcount == 1

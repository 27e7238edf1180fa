"""Small dialect-aware helpers shared by the query modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
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


async def insert_new(
    session: AsyncSession,
    model: type[Base],
    rows: list[dict[str, Any]],
    *,
    same: dict[str, Any],
    returning: tuple[Any, ...] = (),
) -> list[tuple[Any, ...]]:
    """INSERT … ON CONFLICT DO NOTHING for many rows at once (`same`: values every row shares);
    returns the RETURNING rows of those added.

    PostgreSQL gets one array per varying column and unnests them: a handful of parameters
    whatever the row count (a multi-row VALUES of 5,000 rows costs more to compile and plan than
    to run). SQLite gets an executemany, which its driver loops over in C.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = insert_for(session, model).on_conflict_do_nothing()
        if returning:
            statement = statement.returning(*returning)
        result = await session.execute(statement, [{**row, **same} for row in rows])
        return [tuple(row) for row in result] if returning else []
    names, table = list(rows[0]), model.__table__
    arrays = [
        bindparam(f"a_{name}", [row[name] for row in rows], type_=ARRAY(table.c[name].type))
        for name in names
    ]
    source = func.unnest(*arrays).table_valued(*names).render_derived()
    constants = [
        bindparam(f"c_{name}", value, type_=table.c[name].type) for name, value in same.items()
    ]
    statement = (
        insert_for(session, model)
        .from_select([*names, *same], select(*source.c, *constants))
        .on_conflict_do_nothing()
    )
    if returning:
        return [tuple(row) for row in await session.execute(statement.returning(*returning))]
    await session.execute(statement)
    return []

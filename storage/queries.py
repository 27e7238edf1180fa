"""Small dialect-aware helpers shared by the query modules."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from sqlalchemy import JSON, Text, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from yulu.storage.models import Base

B = TypeVar("B", bound=Base)


def insert_for(session: AsyncSession | Session, model: type[Base]) -> Insert:
    """An INSERT with ON CONFLICT support for the session's dialect."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


async def insert_ignore(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert a row unless it conflicts with an existing one; True when it was inserted."""
    statement = insert_for(session, model).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return result.rowcount == 1


async def get_or_insert(
    session: AsyncSession, model: type[B], *, unique: dict[str, Any], values: dict[str, Any]
) -> B:
    """The row whose unique columns equal `unique`, inserted with `values` when missing.

    Atomic on both backends under any concurrency: INSERT … ON CONFLICT DO NOTHING waits for
    a concurrent insert of the same key to commit (PostgreSQL) or for the write lock (SQLite)
    and then does nothing, so the read after it always finds the one row.
    """
    query = select(model).filter_by(**unique)
    row = await session.scalar(query)
    if row is None:
        await insert_ignore(session, model, {**unique, **values})
        row = await session.scalar(query)
    assert row is not None, f"{model.__name__} {unique} neither inserted nor found"
    return row


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
    # JSON values travel as text and are cast back: asyncpg would read a list value (button
    # rows of unequal length) as a dimension of the array and refuse it as non-homogeneous.
    is_json = {name for name in names if isinstance(table.c[name].type, JSON)}
    arrays = [
        bindparam(f"a_{name}", [_json_text(row[name]) for row in rows], type_=ARRAY(Text))
        if name in is_json
        else bindparam(f"a_{name}", [row[name] for row in rows], type_=ARRAY(table.c[name].type))
        for name in names
    ]
    unnested = func.unnest(*arrays).table_valued(*names).render_derived()
    source = [cast(unnested.c[n], JSON) if n in is_json else unnested.c[n] for n in names]
    constants = [
        bindparam(f"c_{name}", value, type_=table.c[name].type) for name, value in same.items()
    ]
    statement = (
        insert_for(session, model)
        .from_select([*names, *same], select(*source, *constants))
        .on_conflict_do_nothing()
    )
    if returning:
        return [tuple(row) for row in await session.execute(statement.returning(*returning))]
    await session.execute(statement)
    return []


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)

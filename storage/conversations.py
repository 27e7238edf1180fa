"""Conversation state rows (the aiogram FSM storage of bot/fsm.py reads and writes these)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import ConversationState, utcnow
from yulu.storage.queries import insert_for


async def get_conversation(session: AsyncSession, key: str) -> ConversationState | None:
    """The stored state for a conversation key."""
    query = select(ConversationState).where(ConversationState.key == key)
    return await session.scalar(query.execution_options(populate_existing=True))


async def upsert_conversation(session: AsyncSession, key: str, **values: Any) -> None:
    """Write state and/or data for a conversation key, creating the row if needed."""
    values["updated_at"] = utcnow()
    insert = insert_for(session, ConversationState).values(key=key, **{"data": {}, **values})
    await session.execute(insert.on_conflict_do_update(index_elements=["key"], set_=values))

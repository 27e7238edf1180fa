"""aiogram FSM storage in our SQL store: any process can take a user's next message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.conversations import get_conversation, upsert_conversation


class SqlStorage(BaseStorage):
    """Keeps FSM state and data in the conversation_state table, one short transaction per call."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._sessions.begin() as session:
            await upsert_conversation(session, self._keys.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._sessions() as session:
            row = await get_conversation(session, self._keys.build(key))
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._sessions.begin() as session:
            await upsert_conversation(session, self._keys.build(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._sessions() as session:
            row = await get_conversation(session, self._keys.build(key))
        return dict(row.data) if row and row.data else {}

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the application."""

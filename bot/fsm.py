"""aiogram FSM storage in our SQL store: any process can take a user's next message.

While an update is being handled, state changes join that update's transaction (the session
the middleware opened), so the reply's effects, the state change and the dedupe row commit or
roll back together — and SQLite never sees two writers from one update.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.storage.conversations import get_conversation, upsert_conversation
from yulu.storage.models import ConversationState

update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)
# The current update's FSM rows, already read with who is talking (bot/middlewares.py):
# key -> row (None: no row yet). A write drops its key, so the next read sees the write.
read_ahead: ContextVar[dict[str, ConversationState | None] | None] = ContextVar(
    "read_ahead", default=None
)


class SqlStorage(BaseStorage):
    """Keeps FSM state and data in the conversation_state table."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    @contextlib.asynccontextmanager
    async def _session(self, *, write: bool) -> AsyncIterator[AsyncSession]:
        """The current update's session, else a short transaction of our own."""
        shared = update_session.get()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as own:
            yield own
            if write:
                await own.commit()

    def key_of(self, key: StorageKey) -> str:
        """The conversation_state key of an aiogram storage key."""
        return self._keys.build(key)

    async def _write(self, key: StorageKey, **values: Any) -> None:
        built = self._keys.build(key)
        async with self._session(write=True) as session:
            await upsert_conversation(session, built, **values)
        ahead = read_ahead.get()
        if ahead is not None:
            ahead.pop(built, None)

    async def _read(self, key: StorageKey) -> ConversationState | None:
        built = self._keys.build(key)
        ahead = read_ahead.get()
        if ahead is not None and built in ahead:
            return ahead[built]
        async with self._session(write=False) as session:
            return await get_conversation(session, built)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data) if row and row.data else {}

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the application."""

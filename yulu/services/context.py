"""What a running process shares: engine, sessions, cipher, settings (no Telegram here)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from yulu.core.config import Settings
from yulu.core.i18n import Translator
from yulu.services.privacy import FieldCipher, load_cipher
from yulu.storage.engine import create_engine, create_session_factory, sqlite_file


def cipher_for(settings: Settings) -> FieldCipher:
    """The field cipher, with the development key file kept beside the SQLite database."""
    path = sqlite_file(settings.database_url)
    key_dir = path.resolve().parent if path is not None else settings.nlu.model_dir.parent
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    return load_cipher(secret=secret, production=settings.env == "production", key_dir=key_dir)


@dataclass(frozen=True)
class ServiceContext:
    """What a service call needs for one unit of work (an update, a request, a command).

    Handlers, the console and CLI commands build one per unit of work and pass it on instead of
    a row of positional arguments (session, cipher, translator, settings).
    """

    session: AsyncSession
    cipher: FieldCipher
    t: Translator
    settings: Settings


@dataclass
class Runtime:
    """Everything a running process shares: engine, sessions, cipher, settings.

    `update_sessions` are the bot's per-update sessions: on a SQLite file they run on the
    event loop's thread (storage/sqlite_inloop.py: a few short statements per update, without
    aiosqlite's thread hand-offs); everything else — console, calendar, sender, commands —
    uses `session_factory`. On PostgreSQL both are the same.
    """

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    cipher: FieldCipher
    update_sessions: async_sessionmaker[AsyncSession]


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Open the database and cipher for a command or the bot; dispose on exit."""
    engines = [create_engine(settings.database_url)]
    if sqlite_file(settings.database_url) is not None:
        engines.append(create_engine(settings.database_url, in_loop=True))
    factories = [create_session_factory(engine) for engine in engines]
    try:
        yield Runtime(
            settings,
            engines[0],
            factories[0],
            cipher_for(settings),
            update_sessions=factories[-1],
        )
    finally:
        for engine in engines:
            await engine.dispose()

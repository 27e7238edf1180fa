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
    """Everything a running process shares: engine, sessions, cipher, settings."""

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    cipher: FieldCipher


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Open the database and cipher for a command or the bot; dispose on exit."""
    engine = create_engine(settings.database_url)
    try:
        yield Runtime(settings, engine, create_session_factory(engine), cipher_for(settings))
    finally:
        await engine.dispose()

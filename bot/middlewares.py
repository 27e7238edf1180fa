"""Update-level middlewares: one session and one commit per update, dedupe, who is talking."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.bot.fsm import SqlStorage, read_ahead, update_session
from yulu.core.config import Settings
from yulu.core.i18n import Translator
from yulu.services import cases
from yulu.services.context import ServiceContext
from yulu.services.people import Speaker
from yulu.services.privacy import FieldCipher
from yulu.storage.updates import open_update

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
FSM_KEY = "yulu_fsm_key"  # workflow data: the update's aiogram StorageKey (bot/app.py)


class UpdateSessionMiddleware(BaseMiddleware):
    """Opens the update's session, skips an update already processed, commits once at the end.

    The dedupe row is written in the same transaction as the handler's effects (committed, at
    the latest, just before the first reply goes out: see CommitBeforeReply), so a redelivered
    update (after a crash or from a second process) either finds the row and is skipped, or
    finds nothing because the first attempt's effects were rolled back as well.

    The dedupe check, who is talking and the sender's FSM row are read in one statement
    (storage/updates.open_update) and handed on: WhoIsTalking and the FSM storage use them
    instead of asking the database again.
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], storage: SqlStorage
    ) -> None:
        self._sessions = session_factory
        self._storage = storage

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user = data.get("event_from_user")
        storage_key = data.get(FSM_KEY)
        key = self._storage.key_of(storage_key) if storage_key is not None else None
        async with self._sessions() as session:
            start = await open_update(
                session,
                bot_id=data["bot"].id,
                update_id=event.update_id,
                user_id=user.id if user else None,
                conversation_key=key,
            )
            if start.seen:
                log.info("update %s already processed; skipped", event.update_id)
                return None
            data["session"] = session
            data["speaker"] = Speaker(start.graduate, start.cadre)
            token = update_session.set(session)
            ahead = read_ahead.set({key: start.conversation} if key is not None else {})
            try:
                result = await handler(event, data)
            finally:
                read_ahead.reset(ahead)
                update_session.reset(token)
            if session.in_transaction():  # a reply already committed it (CommitBeforeReply)
                await session.commit()
            return result


class WhoIsTalking(BaseMiddleware):
    """Hand on the graduate and the cadre behind an update, read once, to every filter and handler.

    Handlers and router filters (bot/filters.py) receive `graduate` and `cadre` (either may be
    None) and `ctx`, the update's ServiceContext; nothing downstream looks them up again.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        speaker = _typed(data, "speaker", Speaker)  # read ahead by UpdateSessionMiddleware
        data["graduate"], data["cadre"] = speaker.graduate, speaker.cadre
        if speaker.cadre is not None and speaker.cadre.unreachable_at is not None:
            cases.staff_reachable_again(speaker.cadre)  # they unblocked the bot and wrote
        data["ctx"] = ServiceContext(
            session=data["session"],
            cipher=_typed(data, "cipher", FieldCipher),
            t=_typed(data, "t", Translator),
            settings=_typed(data, "settings", Settings),
        )
        return await handler(event, data)


def _typed(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data[name]
    assert isinstance(value, kind), f"workflow data {name!r} is {type(value).__name__}"
    return value


class CommitBeforeReply(BaseRequestMiddleware):
    """Commit the update's work before each call to Telegram, so no transaction spans the network.

    What the user is about to see is durable first (the dedupe row with it, so a redelivered
    update after a crash is still one effect), and the database is never locked while a reply
    travels — SQLite has one writer, and a PostgreSQL connection is not held idle.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = update_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)

"""Assembling the bot: Bot, Dispatcher, routers, middlewares and injected long-lived objects."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import DisabledEventIsolation, SimpleEventIsolation
from aiogram.types import BotCommand, TelegramObject
from aiohttp import ClientError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.bot.fsm import SqlStorage
from yulu.bot.handlers import get_routers
from yulu.bot.middlewares import FSM_KEY, CommitBeforeReply, UpdateSessionMiddleware, WhoIsTalking
from yulu.bot.pacing import PacingMiddleware
from yulu.core.config import Settings
from yulu.core.i18n import Translator
from yulu.services.pacing import Pacer
from yulu.services.privacy import FieldCipher
from yulu.services.understanding import Understanding

log = logging.getLogger(__name__)
COMMANDS = ("start", "help", "profile", "jobs", "cancel")


@dataclass(frozen=True)
class BotDeps:
    """The long-lived objects every handler may ask for by name."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    translator: Translator
    cipher: FieldCipher
    nlu: Understanding


def create_bot(token: str, api_base: str, *, pacer: Pacer | None = None) -> Bot:
    """A Bot talking to Telegram or any compatible Bot API server.

    Every call first commits the current update's work (CommitBeforeReply), then, with a
    `pacer`, waits for its turn: one Pacer per token paces replies, edits and the outbox alike
    (yulu/services/pacing.py). `yulu run` always gives one; tests of other things may not.
    """
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    session.middleware(CommitBeforeReply())  # outermost: never hold a transaction in the queue
    if pacer is not None:
        session.middleware(PacingMiddleware(pacer))
    return Bot(token=token, session=session, default=DefaultBotProperties())


def create_dispatcher(
    deps: BotDeps, *, events_isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    """The dispatcher with SQL-backed FSM, the per-update session, and every router.

    Middlewares, outermost first: one update per chat at a time (the FSM's event isolation),
    then the update's session (dedupe row, one commit), then the FSM state read *through that
    session*, then who is talking. aiogram's own FSM middleware would read the state before
    the session exists, in a second connection and transaction of its own, on every update.
    """
    isolation = events_isolation or SimpleEventIsolation()
    storage = SqlStorage(deps.session_factory)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        disable_fsm=True,
        settings=deps.settings,
        session_factory=deps.session_factory,
        t=deps.translator,
        cipher=deps.cipher,
        nlu=deps.nlu,
    )
    dispatcher.update.outer_middleware(OneChatAtATime(dispatcher.fsm, isolation))
    dispatcher.update.outer_middleware(UpdateSessionMiddleware(deps.session_factory, storage))
    dispatcher.update.outer_middleware(FSMContextMiddleware(storage, DisabledEventIsolation()))
    dispatcher.update.outer_middleware(WhoIsTalking())
    dispatcher.include_routers(*[_detached(router) for router in get_routers()])
    return dispatcher


class OneChatAtATime(BaseMiddleware):
    """The FSM's event isolation, taken before the update's session opens (see above)."""

    def __init__(self, fsm: FSMContextMiddleware, isolation: BaseEventIsolation) -> None:
        self._fsm = fsm
        self._isolation = isolation

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = self._fsm.resolve_event_context(data["bot"], data)
        if context is None:
            return await handler(event, data)
        data[FSM_KEY] = context.key  # the session middleware reads the FSM row with the rest
        async with self._isolation.lock(key=context.key):
            return await handler(event, data)


def _detached(router: Router) -> Router:
    """Free a module-level router from an earlier dispatcher (tests build several)."""
    parent = router.parent_router
    if parent is not None:
        parent.sub_routers.remove(router)
        router._parent_router = None  # aiogram offers no public way to re-attach
    return router


async def register_commands(bot: Bot, translator: Translator) -> None:
    """Publish the command menu; a failure is logged, never fatal."""
    commands = [BotCommand(command=c, description=translator(f"command-{c}")) for c in COMMANDS]
    try:
        await bot.set_my_commands(commands)
    except (TelegramAPIError, ClientError, TimeoutError) as exc:
        log.warning("setMyCommands failed (%s); the bot keeps serving", exc)

"""The bot's side of `yulu run`: updates in, replies and the outbox out, the calendar.

Imported by yulu.runtime only once the chat page is up (aiogram takes seconds to import).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from yulu.bot.app import BotDeps, create_bot, create_dispatcher, register_commands
from yulu.bot.delivery import TelegramTransport
from yulu.bot.editing import TelegramCaseMessages
from yulu.core import collector
from yulu.core.config import Settings
from yulu.core.errors import ConfigurationError
from yulu.core.i18n import Translator, get_translator
from yulu.services.checkin import blocked_hook
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, sender_config
from yulu.services.pacing import Pacer
from yulu.services.scheduled import configured_jobs
from yulu.services.scheduler import Calendar
from yulu.services.understanding import Understanding
from yulu.storage.locks import Leadership
from yulu.storage.pacing import shared_budget

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 1.0


async def serve_bot(
    settings: Settings,
    runtime: Runtime,
    token: str,
    api_base: str,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve updates (or only send and schedule, for a worker) until `stop` is set.

    The caller decides what stops the bot (yulu.runtime: SIGINT or SIGTERM); aiogram is told
    not to install signal handlers of its own.
    """
    translator = get_translator()
    understanding = Understanding(settings.nlu)
    understanding.start_loading()
    deps = BotDeps(settings, runtime.update_sessions, translator, runtime.cipher, understanding)
    pacer = token_pacer(settings, runtime, bot_id=int(token.split(":", 1)[0]))
    bot = create_bot(token, api_base, pacer=pacer)  # replies and the outbox: one pacer
    workers = _background(runtime, bot, pacer, translator, stop)
    collector.tune(settings.gc_young)  # start-up is done: collect rarely from here on
    try:
        if settings.telegram.handle_updates:
            dispatcher = create_dispatcher(deps)
            await register_commands(bot, translator)
            await _receive_updates(settings, bot, dispatcher, stop, on_ready)
        else:
            log.info("worker process: sending and scheduling only")
            await stop.wait()
    finally:
        stop.set()
        await _finish(workers, grace=STOP_GRACE_SECONDS)
        await understanding.close()
        await bot.session.close()


async def _finish(tasks: list[asyncio.Task], *, grace: float) -> None:
    """Give the sender and the calendar `grace` seconds to finish, then cancel what is left.

    A stop must end within seconds (a process manager's stop, Ctrl-C). What a cancel cuts
    short is safe to repeat: a job's transaction rolls back and the calendar catches it up on
    the next start; a message on the wire may go out twice, as after a kill -9 (README).
    """
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def token_pacer(settings: Settings, runtime: Runtime, *, bot_id: int) -> Pacer:
    """This process's pacer for the token; on PostgreSQL its budget is shared by all processes."""
    o = settings.outbox
    return Pacer(
        rate=o.rate_per_second,
        per_chat=o.per_chat_per_second,
        budget=shared_budget(runtime.engine, bot_id),
    )


def _background(
    runtime: Runtime, bot: Bot, pacer: Pacer, t: Translator, stop: asyncio.Event
) -> list[asyncio.Task]:
    """The outbox sender and the calendar, as this process's configuration allows."""
    settings = runtime.settings
    tasks = []
    if settings.outbox.send_enabled:
        sender = OutboxSender(
            runtime.session_factory,
            TelegramTransport(bot, t),
            sender_config(settings),
            on_blocked=blocked_hook(runtime.cipher, t, levels=settings.cases.supervisor_levels),
            leadership=Leadership(runtime.engine, f"outbox:{bot.id}"),
            pacer=pacer,
        )
        tasks.append(asyncio.create_task(sender.run(stop), name="outbox-sender"))
    if settings.scheduler.enabled:
        messages = TelegramCaseMessages(bot, t)  # case_reveals masks revealed phones again
        jobs = configured_jobs(runtime, t, messages=messages)
        calendar = Calendar(runtime.engine, jobs, tz=settings.timezone)
        tasks.append(asyncio.create_task(calendar.run(stop), name="calendar"))
    return tasks


async def _receive_updates(
    settings: Settings,
    bot: Bot,
    dispatcher: Dispatcher,
    stop: asyncio.Event,
    on_ready: Callable[[], None],
) -> None:
    if settings.telegram.mode == "webhook":
        dispatcher.startup.register(on_ready)
        await _serve_webhook(settings, bot, dispatcher, stop)
        return
    await bot.delete_webhook(drop_pending_updates=False)
    log.info("polling for updates")
    dispatcher.startup.register(on_ready)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, close_bot_session=False, handle_signals=False)
    )
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not polling.done():
        await dispatcher.stop_polling()  # ends the long poll in flight at once
    await polling


async def _serve_webhook(
    settings: Settings, bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event
) -> None:
    """Serve Telegram's webhook calls, checking the secret_token header on each."""
    tg = settings.telegram
    secret = tg.webhook_secret.get_secret_value() if tg.webhook_secret else None
    if not tg.webhook_url or not secret:
        raise ConfigurationError("webhook mode needs telegram.webhook_url and webhook_secret")
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(app, path=tg.webhook_path)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, tg.webhook_host, tg.webhook_port).start()
    await bot.set_webhook(tg.webhook_url.rstrip("/") + tg.webhook_path, secret_token=secret)
    log.info("webhook listening on %s:%s%s", tg.webhook_host, tg.webhook_port, tg.webhook_path)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()

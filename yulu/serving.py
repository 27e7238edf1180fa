"""The bot's side of `yulu run`: updates in, replies and the outbox out, the calendar.

Imported by yulu.runtime only once the chat page is up (aiogram takes seconds to import).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from yulu.bot.app import BotDeps, create_bot, create_dispatcher, register_commands
from yulu.bot.delivery import TelegramTransport
from yulu.core.config import Settings
from yulu.core.errors import ConfigurationError
from yulu.core.i18n import Translator, get_translator
from yulu.services.checkin import blocked_hook
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, sender_config
from yulu.services.scheduled import configured_jobs
from yulu.services.scheduler import Calendar
from yulu.services.understanding import Understanding
from yulu.storage.locks import Leadership

log = logging.getLogger(__name__)


async def serve_bot(settings: Settings, runtime: Runtime, token: str, api_base: str) -> None:
    """Serve updates (or only send and schedule, for a worker) until interrupted."""
    translator = get_translator()
    understanding = Understanding(settings.nlu)
    understanding.start_loading()
    deps = BotDeps(settings, runtime.session_factory, translator, runtime.cipher, understanding)
    bot = create_bot(token, api_base, retry_429=True)
    sender_bot = create_bot(token, api_base)
    stop = asyncio.Event()
    workers = _background(runtime, sender_bot, translator, stop)
    try:
        if settings.telegram.handle_updates:
            dispatcher = create_dispatcher(deps)
            await register_commands(bot, translator)
            await _receive_updates(settings, bot, dispatcher)
        else:
            await _wait_for_signal()
    finally:
        stop.set()
        await asyncio.gather(*workers, return_exceptions=True)
        await understanding.close()
        await bot.session.close()
        await sender_bot.session.close()


def _background(
    runtime: Runtime, bot: Bot, t: Translator, stop: asyncio.Event
) -> list[asyncio.Task]:
    """The outbox sender and the calendar, as this process's configuration allows."""
    settings = runtime.settings
    tasks = []
    if settings.outbox.send_enabled:
        sender = OutboxSender(
            runtime.session_factory,
            TelegramTransport(bot, t),
            sender_config(settings),
            on_blocked=blocked_hook(runtime.cipher, t),
            leadership=Leadership(runtime.engine, f"outbox:{bot.id}"),
        )
        tasks.append(asyncio.create_task(sender.run(stop), name="outbox-sender"))
    if settings.scheduler.enabled:
        calendar = Calendar(runtime.engine, configured_jobs(runtime, t), tz=settings.timezone)
        tasks.append(asyncio.create_task(calendar.run(stop), name="calendar"))
    return tasks


async def _wait_for_signal() -> None:
    """A worker process without updates: run until SIGINT/SIGTERM."""
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, done.set)
    log.info("worker process: sending and scheduling only")
    await done.wait()


async def _receive_updates(settings: Settings, bot: Bot, dispatcher: Dispatcher) -> None:
    if settings.telegram.mode == "webhook":
        await _serve_webhook(settings, bot, dispatcher)
        return
    await bot.delete_webhook(drop_pending_updates=False)
    log.info("polling for updates")
    await dispatcher.start_polling(bot, close_bot_session=False)


async def _serve_webhook(settings: Settings, bot: Bot, dispatcher: Dispatcher) -> None:
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
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()

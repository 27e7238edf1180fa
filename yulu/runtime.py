"""`yulu run`: migrate, start the sandbox when there is no token, then serve updates."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, NoReturn, TypeVar

from rich.console import Console

from yulu.core.config import SANDBOX_TOKEN, Settings
from yulu.core.errors import ConfigurationError
from yulu.services.context import Runtime, cipher_for, open_runtime
from yulu.storage import migrate
from yulu.storage.engine import create_engine, sqlite_file

log = logging.getLogger(__name__)
console = Console(stderr=True)
T = TypeVar("T")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def prepare_database(settings: Settings) -> None:
    """Bring a SQLite file to the newest schema; a server database must be upgraded explicitly.

    `yulu run` and every command that opens the store call this first; a SQLite file already
    at the newest revision costs one read of its alembic_version row.
    """
    path = sqlite_file(settings.database_url)
    if path is not None:
        if migrate.sqlite_revision(path) != migrate.head_revision():
            migrate.upgrade(settings.database_url)
        return
    engine = create_engine(settings.database_url)
    try:
        current = asyncio.run(migrate.current_revision(engine))
    finally:
        asyncio.run(engine.dispose())
    if current != migrate.head_revision():
        raise ConfigurationError(
            f"database schema is at {current or 'nothing'}, code needs "
            f"{migrate.head_revision()}: run `yulu db upgrade` first"
        )


def serve(settings: Settings, *, demo: bool = False) -> NoReturn:
    """Run the bot until SIGINT or SIGTERM, shut it down in order, then end the process."""
    cipher_for(settings)  # fail fast on a missing production key, before anything starts
    prepare_database(settings)
    asyncio.run(_serve(settings, demo=demo))
    _end_process()


def _end_process() -> NoReturn:
    """Exit now that everything is closed, skipping the interpreter's own teardown.

    Freeing the Telegram framework and the NLU model object by object takes the interpreter
    one to three seconds after the bot has already stopped; a process manager's stop (and the
    tests) expect the process gone within 3 s of the signal. The database, the sockets and the
    sandbox are closed by then, and the logs are flushed here.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


async def _serve(settings: Settings, *, demo: bool) -> None:
    stop = _stop_on_signals()
    asyncio.get_running_loop().set_default_executor(_DaemonThreads())
    async with open_runtime(settings) as runtime:
        endpoint = _telegram_endpoint(settings, runtime, demo=demo)
        async with endpoint as (token, api_base), _staff_console(runtime, demo=demo) as site:
            # The chat page is already up; the Telegram framework loads meanwhile (it is the
            # slowest import by far), so a newcomer's first /start simply waits in the queue.
            loading = asyncio.to_thread(importlib.import_module, "yulu.serving")
            serving = await _unless_stopped(stop, loading)
            if serving is not None:
                _let_console_edit(site, token, api_base)
                ready = _ready_banner(api_base if settings.uses_sandbox else None, site)
                await serving.serve_bot(
                    settings, runtime, token, api_base, stop=stop, on_ready=ready
                )
    log.info("stopped")


def _ready_banner(chat_url: str | None, site: Any) -> Callable[[], None]:
    """What to print once the bot takes messages: the URLs to open, as the last lines."""

    def ready() -> None:
        if chat_url:
            console.print(f"[bold green]✅ 雨露已就绪 ready — 打开 open:[/] {chat_url}/")
        if site is not None:
            console.print(f"[bold green]   工作台 staff console:[/] {site.url}/")

    return ready


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, whatever dispositions the process inherited.

    A shell starts a background job (`yulu run &`) with SIGINT ignored, and Python then never
    raises KeyboardInterrupt; a process manager stops with SIGTERM. Both end the run the same
    way: the event is set and every part shuts down in order.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def received(signum: signal.Signals) -> None:
        log.info("%s received: stopping", signum.name)
        stop.set()

    for signum in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError):  # no loop signal handlers on Windows
            loop.add_signal_handler(signum, received, signum)
    return stop


async def _unless_stopped(stop: asyncio.Event, work: Awaitable[T]) -> T | None:
    """The result of `work`, or None if `stop` is set first (the work is then abandoned)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    return None


class _DaemonThreads(concurrent.futures.ThreadPoolExecutor):
    """The loop's default executor: one daemon thread per call, never waited for at exit.

    Work handed to a thread (importing the Telegram framework, training the NLU model) cannot
    be interrupted; with the standard executor a stop would wait until it finished, seconds on
    a busy machine. A stopping process abandons it instead.
    """

    def submit(
        self, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to whoever awaits the future
                future.set_exception(exc)

        threading.Thread(target=run, name="yulu-worker", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to join: the threads are daemons."""


@contextlib.asynccontextmanager
async def _telegram_endpoint(
    settings: Settings, runtime: Runtime, *, demo: bool
) -> AsyncIterator[tuple[str, str]]:
    """The real Bot API, or a local sandbox started beside the bot when no token is set."""
    if not settings.uses_sandbox:
        yield settings.telegram.token.get_secret_value(), settings.telegram.api_base
        return
    from yulu.sandbox import BotApiSandbox  # only needed without a token
    from yulu.services.demo import load_demo

    async def on_demo() -> str:
        return await load_demo(runtime)

    sandbox = BotApiSandbox(host=settings.sandbox.host, port=settings.sandbox.port, on_demo=on_demo)
    await sandbox.start()
    if demo:
        await on_demo()
    console.print(f"[bold green]雨露 sandbox chat:[/] {sandbox.url}/  (Ctrl-C to stop)")
    try:
        yield SANDBOX_TOKEN, sandbox.url
    finally:
        await sandbox.stop()


@contextlib.asynccontextmanager
async def _staff_console(runtime: Runtime, *, demo: bool) -> AsyncIterator[Any]:
    """The staff console (工作台) beside the bot, on the same store; a busy port only warns."""
    settings = runtime.settings
    if not settings.web.enabled:
        yield None
        return
    # Imported off the loop, as the bot's side is: the sandbox keeps answering meanwhile.
    console_module = await asyncio.to_thread(importlib.import_module, "yulu.web")
    site = console_module.WebConsole(runtime, demo=demo and settings.uses_sandbox)
    try:
        await site.start()
    except OSError as exc:
        console.print(f"[yellow]工作台未启动 / staff console not started:[/] {exc}")
        yield None
        return
    console.print(f"[bold green]雨露工作台 staff console:[/] {site.url}/")
    try:
        yield site
    finally:
        await site.stop()


def _let_console_edit(site: Any, token: str, api_base: str) -> None:
    """Once aiogram is loaded: a case changed in the console edits its Telegram alerts too."""
    if site is None:
        return
    from yulu.bot.app import create_bot
    from yulu.bot.editing import TelegramCaseMessages
    from yulu.core.i18n import get_translator

    bot = create_bot(token, api_base)  # a few edits per action: not worth a share of the pacer
    site.attach_case_messages(TelegramCaseMessages(bot, get_translator()), close=bot.session.close)

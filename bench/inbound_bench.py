"""Inbound pipeline benchmark (issue 12): Yulu against a bare aiogram echo bot, same sandbox.

    python bench/inbound_bench.py [--messages 3000] [--users 300] [--backend sqlite|postgres|both]
                                  [--text /help] [--rounds 3] [--profile]

In one run and one sandbox (no flood limits: this measures the pipeline, not Telegram): N
messages from U users are queued, then a bare aiogram echo bot (one handler, `answer(text)`)
is started with polling and timed until it has answered all N; the sandbox is reset, the same
N messages are queued again, and Yulu — the dispatcher `yulu run` builds, on a fresh database
with the U users signed up, its pacer set far above the traffic so it never holds a reply —
is timed the same way. The two alternate `--rounds` times and each side's median counts (the
machine's load moves the echo bot's speed most). Prints replies/s and CPU per update for each
round, then both medians and the ratio.

Yulu runs with the garbage-collector setting `yulu run` applies (yulu/core/collector.py); the
echo bot, a bare aiogram bot, with Python's default. A third phase runs the echo bot with Yulu's
setting too, and its column says how much of the gap is the collector: it speeds a bare echo bot
up as well (here more, since this process also holds Yulu's runtime and NLU model).

`--profile` runs Yulu's phases under cProfile (it misattributes time across `await`: time
middlewares and router observers directly to be sure).
PostgreSQL: YULU_TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test); a
database is created and dropped for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tests"))
os.environ.setdefault("YULU_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")

import aiohttp
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from dbutil import fresh_database
from factories import make_graduates

from yulu.bot.app import BotDeps, create_bot, create_dispatcher
from yulu.core import collector
from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services.context import Runtime, open_runtime
from yulu.services.pacing import Pacer
from yulu.services.understanding import Understanding

TOKEN = "123456:ABC"
SECRET = "bench-secret-key-0123456789"
FIRST_USER = 3_000_000


async def _queue_messages(url: str, users: list[int], per_user: int, text: str) -> None:
    """Every user writes `per_user` messages (round-robin, so users interleave)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(per_user):
            await asyncio.gather(
                *(
                    http.post(f"{url}/sandbox/api/users/{u}/messages", json={"text": text})
                    for u in users
                )
            )


async def _timed_polling(
    sandbox: BotApiSandbox, bot: Bot, dispatcher: Dispatcher, n: int, label: str
) -> float:
    """Poll until the bot has sent `n` messages; seconds from start to the n-th reply."""
    cpu = time.process_time()
    started = time.monotonic()  # the sandbox stamps its records with the same clock
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=1
        )
    )
    while len(sandbox.state.stats.sent) < n:
        await asyncio.sleep(0.01)
        if polling.done():
            polling.result()
    seconds = sandbox.state.stats.sent[n - 1]["mono"] - started
    cpu_ms = (time.process_time() - cpu) / n * 1000
    print(f"    {label:10s} {n / seconds:6.0f} replies/s, {cpu_ms:.2f} ms CPU each")
    await dispatcher.stop_polling()
    await polling
    return seconds


PYTHON_GC = gc.get_threshold()


def _collector(tuned: bool) -> None:
    """Yulu's process setting (yulu/core/collector.py, as `yulu run`), or Python's default."""
    if tuned:
        collector.tune()
    else:
        gc.unfreeze()
        gc.set_threshold(*PYTHON_GC)


async def echo_phase(
    sandbox: BotApiSandbox, users: list[int], per_user: int, text: str, *, tuned_gc: bool
) -> float:
    await _queue_messages(sandbox.url, users, per_user, text)
    _collector(tuned_gc)
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(sandbox.url)))
    try:
        label = "echo, gc" if tuned_gc else "echo"
        return await _timed_polling(sandbox, bot, dispatcher, len(users) * per_user, label)
    finally:
        await bot.session.close()


async def yulu_phase(
    sandbox: BotApiSandbox,
    runtime: Runtime,
    nlu: Understanding,
    users: list[int],
    per_user: int,
    text: str,
    profile: cProfile.Profile | None,
) -> float:
    await _queue_messages(sandbox.url, users, per_user, text)
    deps = BotDeps(runtime.settings, runtime.update_sessions, get_translator(), runtime.cipher, nlu)
    dispatcher = create_dispatcher(deps)
    pacer = Pacer(rate=100_000, per_chat=100_000)  # on the path, never the bottleneck
    bot = create_bot(TOKEN, sandbox.url, pacer=pacer)
    _collector(True)  # as serve_bot does before the first update
    try:
        if profile is not None:
            profile.enable()
        return await _timed_polling(sandbox, bot, dispatcher, len(users) * per_user, "yulu")
    finally:
        if profile is not None:
            profile.disable()
        await bot.session.close()


async def bench(
    database_url: str, messages: int, users: int, text: str, profile: bool, rounds: int
) -> dict:
    """`rounds` alternations of echo and Yulu; each side's median, so a burst of load from
    other work on the machine does not land on one side only."""
    per_user = max(1, messages // users)
    user_ids = list(range(FIRST_USER, FIRST_USER + users))
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        nlu={"model_dir": str(Path(tempfile.gettempdir()) / "yulu-bench-nlu")},
    )
    sandbox = BotApiSandbox(port=0)
    await sandbox.start()
    profiler = cProfile.Profile() if profile else None
    echo_times: list[float] = []
    tuned_times: list[float] = []
    yulu_times: list[float] = []
    try:
        async with open_runtime(settings) as runtime:
            await make_graduates(runtime, user_ids, cadre_id=None)
            nlu = Understanding(settings.nlu)
            nlu.start_loading()  # as `yulu run` does: free text is parsed, not sent the menu
            await nlu.wait_ready()
            try:
                for _ in range(rounds):
                    sandbox.state.reset()
                    echo_times.append(
                        await echo_phase(sandbox, user_ids, per_user, text, tuned_gc=False)
                    )
                    sandbox.state.reset()
                    tuned_times.append(
                        await echo_phase(sandbox, user_ids, per_user, text, tuned_gc=True)
                    )
                    sandbox.state.reset()
                    yulu_times.append(
                        await yulu_phase(sandbox, runtime, nlu, user_ids, per_user, text, profiler)
                    )
            finally:
                await nlu.close()
    finally:
        _collector(False)
        await sandbox.stop()
    echo_seconds, yulu_seconds = statistics.median(echo_times), statistics.median(yulu_times)
    tuned_seconds = statistics.median(tuned_times)
    n = per_user * users
    if profiler is not None:
        profiler.dump_stats(os.environ.get("YULU_BENCH_PROFILE", "/tmp/yulu-inbound.prof"))
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
        stats.print_stats(30)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            "yulu|storage|bot/|aiogram/dispatcher/dispatcher|aiosqlite|asyncpg", 40
        )
        print(out.getvalue())
    return {"echo": n / echo_seconds, "tuned": n / tuned_seconds, "yulu": n / yulu_seconds, "n": n}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--text", default="/help", help="what every user writes")
    parser.add_argument("--rounds", type=int, default=3, help="echo/Yulu alternations")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"{args.messages} messages from {args.users} users, text {args.text!r}")
    print(
        "| backend | echo replies/s | echo, Yulu's gc setting | Yulu replies/s"
        " | Yulu / echo | Yulu / echo with the same gc |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for backend in backends:
        with tempfile.TemporaryDirectory() as folder, fresh_database(backend, Path(folder)) as url:
            r = asyncio.run(
                bench(url, args.messages, args.users, args.text, args.profile, args.rounds)
            )
        print(
            f"| {backend} | {r['echo']:.0f} | {r['tuned']:.0f} | {r['yulu']:.0f}"
            f" | {r['yulu'] / r['echo']:.2f} | {r['yulu'] / r['tuned']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

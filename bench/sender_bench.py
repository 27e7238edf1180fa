"""Outbox sender at Telegram's limits (issues 7, 12): sustained rate, the in-flight window, kill -9.

    python bench/sender_bench.py [--messages 10000] [--rate 25] [--backend sqlite|postgres]
        [--window-messages 300] [--latency 0.1] [--skip-sustained] [--skip-restart]

Part 1 runs the real OutboxSender against the sandbox with Telegram's limits switched on
(30 messages/s per bot, 1/s per chat) and reports the sustained rate as a share of the
configured one and how many 429s it provoked. Part 2 does the same against a sandbox that
answers each sendMessage after `--latency` seconds (a real round trip to Telegram), once with
one message in flight and once with the default window (`outbox.in_flight`), and prints both
rates and their ratio from the one run. Part 3 runs `yulu run` as a process against a
standalone sandbox, kills it with SIGKILL half-way through a round, starts it again and counts
missing and duplicated messages. Figures are printed; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tests"))

import aiohttp
from dbutil import fresh_database
from factories import make_graduates, queued_messages

from yulu.bot.app import create_bot
from yulu.bot.delivery import TelegramTransport
from yulu.core.config import OutboxSettings, Settings
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox, Limits
from yulu.sandbox.state import FaultRule
from yulu.services.context import open_runtime
from yulu.services.outbox import OutboxSender, SenderConfig
from yulu.storage import outbox

SECRET = "bench-secret-key-0123456789"


async def _open_chats(url: str, user_ids: list[int]) -> None:
    async with aiohttp.ClientSession() as http:
        for start in range(0, len(user_ids), 200):
            await asyncio.gather(
                *(
                    http.post(f"{url}/sandbox/api/users/{u}/messages", json={"text": "hi"})
                    for u in user_ids[start : start + 200]
                )
            )


async def _queue(runtime, user_ids: list[int], prefix: str) -> None:
    graduate_ids = await make_graduates(runtime, user_ids, cadre_id=None)
    async with runtime.session_factory.begin() as session:
        await outbox.enqueue_many(
            session,
            [
                outbox.Outgoing(
                    key=f"{prefix}:{graduate_id}",
                    kind="bench",
                    chat_id=user_id,
                    text="通知",
                    graduate_id=graduate_id,
                )
                for graduate_id, user_id in zip(graduate_ids, user_ids, strict=True)
            ],
        )


async def _run_until_drained(runtime, sender: OutboxSender) -> float:
    """Run the sender as `yulu run` does (claims overlapping the sends) until the queue is
    empty; returns the seconds it took."""
    stop = asyncio.Event()
    started = time.monotonic()
    running = asyncio.create_task(sender.run(stop))
    while await queued_messages(runtime):
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - started
    stop.set()
    await running
    return elapsed


def _figures(sandbox: BotApiSandbox, rate: float, elapsed: float) -> dict:
    stats = sandbox.state.stats
    sent = sorted(s["mono"] for s in stats.sent if s.get("text") == "通知")
    span = sent[-1] - sent[0]
    return {
        "messages": len(sent),
        "seconds": round(elapsed, 1),
        "sustained_rate": round((len(sent) - 1) / span, 2),
        "share_of_configured": round((len(sent) - 1) / span / rate, 3),
        "429s": stats.limited + stats.errors_by_status.get(429, 0),
    }


async def sustained_rate(
    database_url: str, messages: int, rate: float, *, latency: float = 0.0, in_flight: int = 8
) -> dict:
    """One sender, `messages` rows to as many chats, against a sandbox with Telegram's limits
    that answers each sendMessage after `latency` seconds."""
    sandbox = BotApiSandbox(port=0, limits=Limits(enabled=True))
    await sandbox.start()
    if latency > 0:
        sandbox.state.faults.append(
            FaultRule(method="sendMessage", delay=latency, count=10 * messages)
        )
    first = 1_000_000 + 100_000 * in_flight  # each run its own people in one database
    user_ids = list(range(first, first + messages))
    for user_id in user_ids:
        sandbox.state.ensure_chat(user_id)
    settings = Settings(database_url=database_url, secret_key=SECRET)
    async with open_runtime(settings) as runtime:
        await _queue(runtime, user_ids, f"bench:{in_flight}:{latency}")
        bot = create_bot("123456:ABC", sandbox.url)
        config = SenderConfig(
            rate_per_second=rate, batch_size=50, poll_interval_seconds=0.2, in_flight=in_flight
        )
        sender = OutboxSender(
            runtime.session_factory, TelegramTransport(bot, get_translator()), config
        )
        elapsed = await _run_until_drained(runtime, sender)
        await bot.session.close()
    figures = _figures(sandbox, rate, elapsed)
    await sandbox.stop()
    return figures


async def window_ratio(database_url: str, messages: int, rate: float, latency: float) -> dict:
    """The same round with one message in flight and with the default window, one run."""
    default = OutboxSettings().in_flight
    one = await sustained_rate(database_url, messages, rate, latency=latency, in_flight=1)
    many = await sustained_rate(database_url, messages, rate, latency=latency, in_flight=default)
    return {
        "latency_s": latency,
        "in_flight_1": one,
        f"in_flight_{default}": many,
        "ratio": round(many["sustained_rate"] / one["sustained_rate"], 2),
    }


def _http(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def kill_and_restart(database_url: str, messages: int, rate: float) -> dict:
    """`yulu run` killed with SIGKILL half-way through a round, then started again."""
    folder = Path(tempfile.mkdtemp())
    port = 18_000 + os.getpid() % 1000
    api = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "yulu.sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    user_ids = list(range(2_000_000, 2_000_000 + messages))
    asyncio.run(_open_chats(api, user_ids))

    async def seed() -> None:
        async with open_runtime(Settings(database_url=database_url, secret_key=SECRET)) as rt:
            await make_graduates(rt, user_ids, cadre_id=None)

    asyncio.run(seed())
    env = {
        **os.environ,
        "YULU_DATABASE_URL": database_url,
        "YULU_SECRET_KEY": SECRET,
        "YULU_TELEGRAM_TOKEN": "123456:ABC",
        "YULU_TELEGRAM_API_BASE": api,
        "YULU_OUTBOX_RATE_PER_SECOND": str(rate),
        "YULU_OUTBOX_LEASE_SECONDS": "5",
        "YULU_OUTBOX_QUIET_START": "00:00",
        "YULU_OUTBOX_QUIET_END": "00:00",
        "YULU_SCHEDULER_ENABLED": "false",
        "YULU_NLU_MODEL_DIR": str(folder / "model"),
    }

    def start() -> subprocess.Popen:
        log = (folder / "yulu-run.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "-m", "yulu", "run"],
            env=env,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def delivered() -> Counter:
        stats = _http(f"{api}/sandbox/api/stats")
        return Counter(s["chat_id"] for s in stats["sent"] if "调查" in (s.get("text") or ""))

    process = start()
    subprocess.run(
        [sys.executable, "-m", "yulu", "checkin", "run", "--period", "2026-07"],
        env=env,
        cwd=folder,
        capture_output=True,
        check=True,
    )
    while sum(delivered().values()) < messages // 2:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    at_kill = sum(delivered().values())
    process = start()
    deadline = time.monotonic() + messages / rate * 2 + 60
    while len(delivered()) < messages and time.monotonic() < deadline:
        time.sleep(1)
    counts = delivered()
    process.send_signal(signal.SIGINT)
    process.wait(30)
    sandbox.terminate()
    return {
        "log": str(folder / "yulu-run.log"),
        "messages": messages,
        "sent_before_kill": at_kill,
        "missing": messages - len(counts),
        "duplicated": sum(1 for n in counts.values() if n > 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--window-messages", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--restart-messages", type=int, default=1_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--skip-sustained", action="store_true")
    parser.add_argument("--skip-restart", action="store_true")
    args = parser.parse_args()
    if args.backend == "postgres":
        os.environ.setdefault("YULU_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    if not args.skip_sustained:
        with (
            tempfile.TemporaryDirectory() as folder,
            fresh_database(args.backend, Path(folder)) as url,
        ):
            figures = asyncio.run(sustained_rate(url, args.messages, args.rate))
            print("sustained:", json.dumps(figures))
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.backend, Path(folder)) as url:
        figures = asyncio.run(window_ratio(url, args.window_messages, args.rate, args.latency))
        print("in flight:", json.dumps(figures))
    if not args.skip_restart:
        with (
            tempfile.TemporaryDirectory() as folder,
            fresh_database(args.backend, Path(folder)) as url,
        ):
            figures = kill_and_restart(url, args.restart_messages, args.rate)
            print("kill -9 restart:", json.dumps(figures))


if __name__ == "__main__":
    main()

"""Real processes where only real processes will do: kill -9 and restart, several processes.

The bot talks to a standalone `python -m yulu.sandbox` with a token, as it would to Telegram
or any compatible Bot API server, so the server and its record outlive the kills.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import Callable

import pytest
from e2e_harness import STOP_SECONDS, BotProcess, Chat, http_json
from factories import make_cadre, make_graduates
from typer.testing import CliRunner
from waiting import wait_until

from yulu.cli import app
from yulu.core.config import OutboxSettings, Settings
from yulu.services.context import open_runtime

pytestmark = pytest.mark.e2e
TOKEN = {"YULU_TELEGRAM_TOKEN": "123456:ABC"}
SURVEY = "就业情况小调查"
IN_FLIGHT = OutboxSettings().in_flight  # what `yulu run` keeps on the wire by default


def yulu(bot: BotProcess, *args: str) -> str:
    """An operator's `yulu` command beside the running bot, on its store (in this process:
    what is tested here is the bot's side, and a second interpreter costs seconds)."""
    env = {**bot.env, "YULU_CONFIG": str(bot.workdir / "no-config.yml")}
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def open_chats(api: str, user_ids: list[int]) -> None:
    for user_id in user_ids:
        http_json(f"{api}/sandbox/api/users/{user_id}/messages", {"text": "在吗"})


def seed(database_url: str, user_ids: list[int]) -> None:
    """Registered graduates with a cadre, as the services create them."""

    async def work() -> None:
        settings = Settings(database_url=database_url, secret_key="e2e-secret-key-0123456789")
        async with open_runtime(settings) as runtime:
            cadre = await make_cadre(runtime, telegram_user_id=None)
            await make_graduates(runtime, user_ids, cadre_id=cadre.id)

    asyncio.run(work())


def checkins_per_chat(api: str) -> Counter[int]:
    stats = http_json(f"{api}/sandbox/api/stats")
    return Counter(s["chat_id"] for s in stats["sent"] if SURVEY in (s.get("text") or ""))


def wait_all(api: str, user_ids: list[int]) -> Counter[int]:
    """The check-ins per chat, once every one of `user_ids` has had one."""
    return wait_until(
        lambda: (counts := checkins_per_chat(api)) and set(user_ids) <= set(counts) and counts,
        what=f"a check-in in each of {len(user_ids)} chats",
        timeout=120,
    )


def test_kill_9_mid_sign_up_and_mid_round_then_restart(
    start_bot: Callable[..., list[BotProcess]], api: str, database_url: str
) -> None:
    """A token and any compatible Bot API server; a sign-up half done and a round half sent
    when the process is killed; after the restart the sign-up goes on where it was, the round
    finishes with at most the `outbox.in_flight` messages that were on the wire sent twice, and
    a repeat sends nothing. Started as a background job, it stops within 3 s of Ctrl-C."""
    user_ids = list(range(80_000, 80_150))
    open_chats(api, user_ids)
    seed(database_url, user_ids)
    env = {**TOKEN, "YULU_TELEGRAM_API_BASE": api, "YULU_OUTBOX_RATE_PER_SECOND": "30"}
    [bot] = start_bot(env)

    chat = Chat(api, 4242)
    reply = chat.send("/start", expect="同意")
    assert "雨露" in reply
    chat.tap("同意并开始登记", expect="姓名")
    chat.send("刘小梅", expect="手机号")

    yulu(bot, "checkin", "run", "--period", "2026-09")
    wait_until(lambda: sum(checkins_per_chat(api).values()) >= 20, what="20 check-ins sent")
    bot.kill()  # mid-round: some sent, most not; mid-sign-up: the phone is asked
    sent_before = sum(checkins_per_chat(api).values())
    assert 0 < sent_before < len(user_ids)

    bot.start()  # same database, same Bot API server
    assert "身份证号" in chat.send("13600001234", expect="身份证号")  # the state survived
    counts = wait_all(api, user_ids)
    duplicates = {c: n for c, n in counts.items() if n > 1}
    # At-least-once only for the messages that were on the wire at the kill (README).
    assert len(duplicates) <= IN_FLIGHT and all(n == 2 for n in duplicates.values())
    assert "新加入发送队列 0 条" in yulu(bot, "checkin", "run", "--period", "2026-09")
    assert bot.stop(signal.SIGINT) < STOP_SECONDS


def test_three_processes_send_each_message_once(
    start_bot: Callable[..., list[BotProcess]], api: str, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes on one store need PostgreSQL")
    user_ids = list(range(81_000, 81_150))
    open_chats(api, user_ids)
    seed(database_url, user_ids)
    env = {**TOKEN, "YULU_TELEGRAM_API_BASE": api, "YULU_OUTBOX_RATE_PER_SECOND": "25"}
    worker_env = {**env, "YULU_TELEGRAM_HANDLE_UPDATES": "false"}
    # one receives updates, sends, schedules — whichever it leads; two only send and schedule
    bots = start_bot(env, worker_env, worker_env)
    workers = bots[1:]
    yulu(workers[0], "checkin", "run", "--period", "2026-08")
    counts = wait_all(api, user_ids)
    assert set(counts) == set(user_ids) and max(counts.values()) == 1
    stats = http_json(f"{api}/sandbox/api/stats")
    times = sorted(s["mono"] for s in stats["sent"] if SURVEY in (s.get("text") or ""))
    busiest = max(sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times))
    assert busiest <= 25  # one sender per token: the rate holds across processes
    for worker in workers:  # a worker (no updates) stops as promptly
        assert worker.stop(signal.SIGTERM) < STOP_SECONDS

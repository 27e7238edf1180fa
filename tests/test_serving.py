"""The bot's side of `yulu run` (yulu.serving.serve_bot) in-process, against the sandbox.

Were e2e tests that started a `yulu run` process for each: the webhook secret, and 300 users
at once under Telegram's limits. serve_bot is the very function `yulu run` calls once the
framework is loaded; here the test sets its stop event instead of a signal.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from waiting import eventually

from yulu.core.config import Settings
from yulu.sandbox import BotApiSandbox
from yulu.sandbox.limits import Limits
from yulu.services.context import open_runtime

pytestmark = pytest.mark.integration
TOKEN = "123456:ABC"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bot_settings(database_url: str, nlu_model_dir: Path, api: str, **telegram: Any) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-0123456789",
        nlu={"model_dir": str(nlu_model_dir)},
        telegram={"token": TOKEN, "api_base": api, **telegram},
        scheduler={"enabled": False},
        outbox={"quiet_start": "00:00", "quiet_end": "00:00"},
    )


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[None]:
    """serve_bot running until the block ends; then stopped as a signal would stop it."""
    from yulu.serving import serve_bot

    stop = asyncio.Event()
    async with open_runtime(settings) as runtime:
        task = asyncio.create_task(
            serve_bot(settings, runtime, TOKEN, settings.telegram.api_base, stop=stop)
        )
        try:
            yield
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


async def control(
    http: aiohttp.ClientSession, path: str, body: dict | None = None
) -> dict[str, Any]:
    method = "POST" if body is not None else "GET"
    async with http.request(method, f"/sandbox/api{path}", json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


def answered(stats: dict[str, Any], marker: Callable[[str], bool]) -> set[int]:
    return {s["chat_id"] for s in stats["sent"] if marker(s.get("text") or "")}


async def test_webhook_mode_checks_the_secret(
    database_url: str, nlu_model_dir: Path, sandbox: BotApiSandbox
) -> None:
    port = free_port()
    settings = bot_settings(
        database_url,
        nlu_model_dir,
        sandbox.url,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_port=port,
        webhook_secret="s3cret-token",
    )
    async with serving(settings), aiohttp.ClientSession(base_url=sandbox.url) as http:

        async def webhook_set() -> bool:
            stats = await control(http, "/stats")
            return bool(stats["count_by_method"].get("setWebhook"))

        await eventually(webhook_set, what="setWebhook")
        sent = await control(http, "/users/778/messages", {"text": "/start"})  # pushed, secret

        async def welcome() -> list[dict]:
            chat = await control(http, f"/users/778/chat?after={sent['message_id']}")
            return [m for m in chat["messages"] if "雨露" in (m["text"] or "")]

        await eventually(welcome, what="the welcome through the webhook")
        forged = {
            "update_id": 99,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/start",
                "chat": {"id": 779, "type": "private"},
            },
        }
        async with http.post(f"http://127.0.0.1:{port}/telegram/webhook", json=forged) as refused:
            assert refused.status == 401


async def test_burst_of_300_users_all_answered(database_url: str, nlu_model_dir: Path) -> None:
    """300 users write /start at once to a server enforcing Telegram's limits (30 messages/s
    per bot, 1/s per chat); every one is answered, none dropped after a 429."""
    limited = BotApiSandbox(port=0, limits=Limits(enabled=True))
    await limited.start()
    try:
        settings = bot_settings(database_url, nlu_model_dir, limited.url)
        async with serving(settings), aiohttp.ClientSession(base_url=limited.url) as http:

            async def polling() -> bool:
                stats = await control(http, "/stats")
                return bool(stats["count_by_method"].get("getUpdates"))

            await eventually(polling, what="the bot to poll")
            users = set(range(82_000, 82_300))
            started = time.monotonic()
            for user_id in users:
                await control(http, f"/users/{user_id}/messages", {"text": "/start"})

            async def all_answered() -> bool:
                stats = await control(http, "/stats")
                return users <= answered(stats, lambda text: "雨露" in text)

            await eventually(all_answered, what="an answer for each of 300 users", timeout=120)
            elapsed = time.monotonic() - started
    finally:
        await limited.stop()
    assert elapsed < 30, f"300 users answered in {elapsed:.1f}s (floor 10s)"

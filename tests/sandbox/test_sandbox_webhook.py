"""Webhook mode: updates are pushed with the secret header, retried, and replies executed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sandbox_helpers import Control


class Receiver:
    """A webhook endpoint that records what it gets; its answer is set per test."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, Any], str | None]] = []
        self.failures_left = 0
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures_left > 0:
            self.failures_left -= 1
            return web.Response(status=500)
        header = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.requests.append((await request.json(), header))
        self.arrived.set()
        return web.json_response({})


async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/hook"
    await runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    async for url in serve(app):
        yield target, url


async def test_updates_are_pushed_with_the_secret_header(
    bot: Bot, control: Control, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    await bot.set_webhook(url, secret_token="s3cret-token")
    assert (await bot.get_webhook_info()).url == url
    posted = await control.say(1001, "/start")
    await asyncio.wait_for(target.arrived.wait(), 5)
    [(update, header)] = target.requests
    assert update["update_id"] == posted["update_id"] and update["message"]["text"] == "/start"
    assert header == "s3cret-token"
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()


async def test_failed_delivery_is_retried_and_reported(
    bot: Bot, control: Control, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    target.failures_left = 2
    await bot.set_webhook(url)
    await control.say(1001, "hello")
    await asyncio.wait_for(target.arrived.wait(), 5)
    assert [u["message"]["text"] for u, _ in target.requests] == ["hello"]
    info = await bot.get_webhook_info()
    assert "500" in info.last_error_message and info.pending_update_count == 0


async def test_delete_webhook_returns_to_polling(bot: Bot, control: Control) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    await control.say(1001, "kept")
    await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates()] == ["kept"]


async def test_real_aiogram_webhook_bot_answers_in_the_webhook_reply(
    bot: Bot, control: Control
) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> Any:
        return message.answer(f"收到：{message.text}")  # returned, so sent in the webhook reply

    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, secret_token="abc_123", handle_in_background=False
    ).register(app, path="/hook")
    async for url in serve(app):
        await bot.set_webhook(url, secret_token="abc_123")
        posted = await control.say(1001, "你好")
        reply = await control.request(
            "GET", "/users/1001/wait", params={"after": posted["message_id"], "timeout": 5}
        )
        assert [m["text"] for m in reply["messages"]] == ["收到：你好"]
        await bot.delete_webhook()

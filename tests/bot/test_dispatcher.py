"""The real dispatcher with the real database, talking to an in-process sandbox over HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Chat, Message, Update, User

from yulu.bot.app import BotDeps, create_bot, create_dispatcher, register_commands
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services.context import Runtime
from yulu.services.understanding import Understanding

pytestmark = pytest.mark.integration
TOKEN = "123456:ABC"


@pytest.fixture
async def bot(sandbox: BotApiSandbox) -> AsyncIterator[Bot]:
    client = create_bot(TOKEN, sandbox.url)
    yield client
    await client.session.close()


def _deps(runtime: Runtime) -> BotDeps:
    """Dependencies as `yulu run` builds them; the NLU is left unloaded (free text → menu)."""
    return BotDeps(
        runtime.settings,
        runtime.update_sessions,
        get_translator(),
        runtime.cipher,
        Understanding(runtime.settings.nlu),
    )


def _message_update(update_id: int, user_id: int, text: str) -> Update:
    user = User(id=user_id, is_bot=False, first_name="小李")
    message = Message(
        message_id=update_id,
        date=datetime.now(UTC),
        text=text,
        chat=Chat(id=user_id, type="private", first_name="小李"),
        from_user=user,
    )
    return Update(update_id=update_id, message=message)


async def _bot_messages(sandbox: BotApiSandbox, user_id: int) -> list[dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.url}/sandbox/api/users/{user_id}/chat") as response:
            chat = await response.json()
    return [m for m in chat["messages"] if m["from"] == "bot"]


async def _bot_texts(sandbox: BotApiSandbox, user_id: int) -> list[str]:
    return [m["text"] for m in await _bot_messages(sandbox, user_id)]


async def _open_chat(sandbox: BotApiSandbox, user_id: int) -> None:
    """The sandbox only lets the bot write to chats a user has opened."""
    async with aiohttp.ClientSession() as http:
        await http.post(f"{sandbox.url}/sandbox/api/users/{user_id}/messages", json={"text": "hi"})


async def test_same_update_twice_has_one_effect(
    runtime: Runtime, bot: Bot, sandbox: BotApiSandbox
) -> None:
    dispatcher = create_dispatcher(_deps(runtime))
    await _open_chat(sandbox, 501)
    update = _message_update(9001, 501, "/help")
    await dispatcher.feed_update(bot, update)
    await dispatcher.feed_update(bot, update)
    replies = [t for t in await _bot_texts(sandbox, 501) if "/profile" in t]
    assert len(replies) == 1


async def test_handler_exception_apologises_and_keeps_serving(
    runtime: Runtime, bot: Bot, sandbox: BotApiSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    dispatcher = create_dispatcher(_deps(runtime))
    broken = Router(name="broken")

    @broken.message(Command("boom"))
    async def boom(message: Message) -> None:
        raise RuntimeError("database on fire")

    dispatcher.include_router(broken)
    dispatcher.sub_routers.insert(1, dispatcher.sub_routers.pop())  # before the fallback
    await _open_chat(sandbox, 502)
    with caplog.at_level(logging.ERROR):
        await dispatcher.feed_update(bot, _message_update(9101, 502, "/boom"))
    assert any("9101" in r.getMessage() and r.exc_info for r in caplog.records)
    await dispatcher.feed_update(bot, _message_update(9102, 502, "/help"))
    texts = await _bot_texts(sandbox, 502)
    assert any("抱歉" in t for t in texts)
    assert "/profile" in texts[-1]  # still serving


async def test_unknown_input_gets_the_menu(
    runtime: Runtime, bot: Bot, sandbox: BotApiSandbox
) -> None:
    dispatcher = create_dispatcher(_deps(runtime))
    await _open_chat(sandbox, 503)
    await dispatcher.feed_update(bot, _message_update(9201, 503, "今天天气怎么样"))
    await dispatcher.feed_update(bot, _message_update(9202, 503, "/frobnicate"))
    replies = await _bot_messages(sandbox, 503)
    assert len(replies) == 2
    for reply in replies:
        labels = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
        assert any("帮助" in label for label in labels) and any("登记" in label for label in labels)


async def test_set_my_commands_failure_is_logged_not_fatal(
    bot: Bot, sandbox: BotApiSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    async with aiohttp.ClientSession() as http:
        await http.post(
            f"{sandbox.url}/sandbox/api/faults",
            json={"method": "setMyCommands", "status": 500, "count": 1},
        )
    with caplog.at_level(logging.WARNING):
        await register_commands(bot, get_translator())
    assert any("setMyCommands failed" in r.getMessage() for r in caplog.records)
    await register_commands(bot, get_translator())  # the next try goes through
    commands = await bot.get_my_commands()
    assert [c.command for c in commands][:2] == ["start", "help"]


async def test_every_handler_and_filter_runs_in_the_event_loop(runtime: Runtime) -> None:
    """aiogram runs a plain function (a bare `F.text` too) on a worker thread: one hand-off
    per check, which made routing the slowest part of an update. Every handler, router
    filter and handler filter of the dispatcher must be a coroutine (bot/filters.Instant)."""
    dispatcher = create_dispatcher(_deps(runtime))
    threaded = []
    for router in dispatcher.chain_tail:
        for name, observer in router.observers.items():
            checks = [("router filter", f) for f in observer._handler.filters or []]
            for handler in observer.handlers:
                checks.append(("handler", handler))
                checks.extend(("filter", f) for f in handler.filters or [])
            threaded.extend(
                f"{router.name}.{name}: {kind} {item.callback!r}"
                for kind, item in checks
                if not item.awaitable
            )
    assert threaded == []

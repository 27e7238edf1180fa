"""Journeys in-process: the real dispatcher, fed the sandbox's own updates, and the real outbox.

A person writes or taps through the in-process sandbox's control API, exactly as the web chat
page does; the sandbox turns that into a Telegram Update, which the test takes with getUpdates
and feeds through the real aiogram dispatcher (the same routers, middlewares, SQL FSM and
database `yulu run` uses). Replies go back to the sandbox over HTTP. Proactive messages (the
check-in round, a cadre's alert, job notices, campaigns) wait in the outbox until `deliver()`
runs the real sender once through. Nothing waits on a clock: after `send` or `tap` returns,
everything the bot did in answer is in the chat.

Operator commands run the real `yulu` CLI (typer) in-process, in a worker thread (each
command runs its own event loop), on the same database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot, Dispatcher
from typer.testing import CliRunner

from yulu.bot.app import BotDeps, create_dispatcher
from yulu.bot.delivery import TelegramTransport
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services.checkin import blocked_hook
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, SenderConfig
from yulu.services.understanding import Understanding

# The sender as `yulu run` runs it, minus what would make a test wait: no quiet hours, and no
# per-chat pacing (Telegram's limits are the delivery tests' business).
SENDER = SenderConfig(rate_per_second=1000, per_chat_per_second=1000, backoff_seconds=0.01)
_cli_lock = asyncio.Lock()  # typer's runner swaps os.environ and sys.stdout: one at a time


class Journey:
    """One bot, one sandbox, one database: what a test drives people through."""

    def __init__(
        self, runtime: Runtime, sandbox: BotApiSandbox, bot: Bot, *, workdir: Path
    ) -> None:
        self.runtime = runtime
        self.sandbox = sandbox
        self.bot = bot
        self.workdir = workdir
        self.nlu = Understanding(runtime.settings.nlu)
        translator = get_translator()
        deps = BotDeps(
            runtime.settings, runtime.update_sessions, translator, runtime.cipher, self.nlu
        )
        self.dispatcher: Dispatcher = create_dispatcher(deps)
        self.sender = OutboxSender(
            runtime.session_factory,
            TelegramTransport(bot, translator),
            SENDER,
            on_blocked=blocked_hook(runtime.cipher, translator),
        )
        self._offset = 0
        self.http = aiohttp.ClientSession(base_url=sandbox.url)

    async def close(self) -> None:
        await self.http.close()
        await self.nlu.close()

    async def load_nlu(self) -> None:
        """Load the trained model (free text is otherwise answered with the menu)."""
        self.nlu.start_loading()
        await self.nlu.wait_ready()
        assert self.nlu.ready

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with self.http.request(method, f"/sandbox/api{path}", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def process(self) -> int:
        """Feed every pending update through the dispatcher, then deliver the outbox."""
        handled = 0
        while updates := await self.bot.get_updates(offset=self._offset, timeout=0):
            for update in updates:
                self._offset = update.update_id + 1
                await self.dispatcher.feed_update(
                    self.bot, update, dispatcher=self.dispatcher, bots=[self.bot]
                )
                handled += 1
        await self.deliver()
        return handled

    async def deliver(self) -> int:
        """Run the outbox sender until nothing is due; returns how many rows it handled."""
        total = 0
        while handled := await self.sender.run_once():
            total += handled
        return total

    def person(self, user_id: int, first_name: str = "小李") -> Person:
        return Person(self, user_id, first_name)

    async def yulu(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run `yulu ARGS` in-process on this database; returns what it printed."""
        from yulu.cli import app

        settings = self.runtime.settings
        environment = {
            "YULU_CONFIG": str(self.workdir / "no-config.yml"),  # built-in defaults + env
            "YULU_DATABASE_URL": settings.database_url,
            "YULU_SECRET_KEY": settings.secret_key.get_secret_value(),
            "YULU_NLU_MODEL_DIR": str(settings.nlu.model_dir),
            **(env or {}),
        }
        async with _cli_lock:
            result = await asyncio.to_thread(
                CliRunner().invoke, app, list(args), env=environment, catch_exceptions=False
            )
        assert result.exit_code == 0, f"yulu {' '.join(args)}: {result.output}"
        return result.stdout


class Person:
    """A Telegram user in the sandbox: writes, taps buttons, reads the bot's replies."""

    def __init__(self, journey: Journey, user_id: int, first_name: str) -> None:
        self.journey = journey
        self.user_id = user_id
        self.first_name = first_name
        self.base = f"/users/{user_id}"

    async def history(self, after: int = 0) -> list[dict[str, Any]]:
        chat = await self.journey.control("GET", f"{self.base}/chat?after={after}")
        return chat["messages"]

    async def bot_messages(self, after: int = 0) -> list[dict[str, Any]]:
        return [m for m in await self.history(after) if m["from"] == "bot"]

    async def texts_with(self, marker: str) -> list[dict[str, Any]]:
        """The bot's messages in this chat that contain `marker`."""
        return [m for m in await self.bot_messages() if marker in (m["text"] or "")]

    async def _last_id(self) -> int:
        return max((m["message_id"] for m in await self.history()), default=0)

    async def send(self, text: str) -> list[dict[str, Any]]:
        """Type a message; returns the bot's replies."""
        body = {"text": text, "first_name": self.first_name}
        sent = await self.journey.control("POST", f"{self.base}/messages", body)
        return await self._replies(sent["message_id"])

    async def send_media(self, kind: str) -> list[dict[str, Any]]:
        """Send a sticker, photo or voice note."""
        body = {kind: True, "first_name": self.first_name}
        sent = await self.journey.control("POST", f"{self.base}/messages", body)
        return await self._replies(sent["message_id"])

    async def button(self, label: str) -> tuple[int, str]:
        """The newest bot message with a button whose text contains `label`."""
        for message in reversed(await self.bot_messages()):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r} in the chat of {self.user_id}")

    async def tap(self, label: str) -> list[dict[str, Any]]:
        """Tap an inline button; returns the bot's new messages (edits show in the history)."""
        message_id, data = await self.button(label)
        last = await self._last_id()
        body = {"message_id": message_id, "data": data}
        await self.journey.control("POST", f"{self.base}/callback", body)
        return await self._replies(last, expect=False)

    async def _replies(self, after: int, *, expect: bool = True) -> list[dict[str, Any]]:
        await self.journey.process()
        replies = await self.bot_messages(after)
        if expect:
            assert replies, f"no reply from the bot to user {self.user_id}"
        return replies


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] or "" for m in messages)

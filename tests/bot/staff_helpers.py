"""A small harness for staff journeys: the real dispatcher, the sandbox, the outbox sender.

Users act through the sandbox's control API (write a message, tap a button, block the bot),
the updates the sandbox queues are pulled with getUpdates and fed to the real dispatcher, and
queued outbox rows are delivered by the real sender, so every step is what Telegram would see.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import aiohttp
from sqlalchemy import func, select
from typer.testing import CliRunner

from yulu.bot.app import BotDeps, create_dispatcher
from yulu.bot.delivery import TelegramTransport
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services import cadres
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, SenderConfig
from yulu.services.understanding import Understanding
from yulu.storage.models import CadreRole, OutboxMessage, OutboxStatus


class Staffroom:
    """One bot, one dispatcher, one sandbox; helpers to act as users and to deliver."""

    def __init__(self, runtime: Runtime, bot, sandbox: BotApiSandbox) -> None:
        self.runtime, self.bot, self.sandbox = runtime, bot, sandbox
        deps = BotDeps(
            runtime.settings,
            runtime.update_sessions,
            get_translator(),
            runtime.cipher,
            Understanding(runtime.settings.nlu),  # never loaded: STOP must not need it
        )
        self.dispatcher = create_dispatcher(deps)
        self.sender = OutboxSender(
            runtime.session_factory,
            TelegramTransport(bot, get_translator()),
            SenderConfig(rate_per_second=200, per_chat_per_second=200, poll_interval_seconds=0.05),
        )
        self._offset = 0

    async def _control(self, method: str, path: str, body: dict | None = None) -> dict:
        async with aiohttp.ClientSession() as http:
            url = f"{self.sandbox.url}/sandbox/api{path}"
            async with http.request(method, url, json=body) as response:
                assert response.status == 200, await response.text()
                return await response.json()

    async def pump(self) -> None:
        """Feed every update the sandbox has queued to the dispatcher."""
        for update in await self.bot.get_updates(offset=self._offset, timeout=0):
            self._offset = update.update_id + 1
            await self.dispatcher.feed_update(self.bot, update)

    async def say(self, user_id: int, text: str) -> None:
        await self._control("POST", f"/users/{user_id}/messages", {"text": text})
        await self.pump()

    async def tap(self, user_id: int, message_id: int, data: str) -> None:
        body = {"message_id": message_id, "data": data}
        await self._control("POST", f"/users/{user_id}/callback", body)
        await self.pump()

    async def block(self, user_id: int, *, blocked: bool = True) -> None:
        await self._control("POST", f"/users/{user_id}/blocked", {"blocked": blocked})
        await self.pump()

    async def chat(self, user_id: int) -> dict:
        return await self._control("GET", f"/users/{user_id}/chat")

    async def bot_messages(self, user_id: int) -> list[dict]:
        return [m for m in (await self.chat(user_id))["messages"] if m["from"] == "bot"]

    async def deliver(self, timeout: float = 30) -> None:
        """Run the sender until nothing due is left (a deadline, never a fixed sleep)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await self.sender.run_once()
            async with self.runtime.session_factory() as session:
                left = await session.scalar(
                    select(func.count(OutboxMessage.id)).where(
                        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                        OutboxMessage.not_before <= datetime.now().astimezone(),
                    )
                )
            if not left:
                return
        raise AssertionError("outbox not drained in time")

    async def add_staff(
        self,
        *,
        name: str,
        phone: str,
        region: str,
        user_id: int | None,
        supervisor: str | None = None,
        admin: bool = False,
    ) -> int:
        """Add a cadre; with a user id, bind their Telegram through /start CODE."""
        async with self.runtime.session_factory.begin() as session:
            cadre = await cadres.add_cadre(
                session,
                self.runtime.cipher,
                name=name,
                phone=phone,
                region=region,
                supervisor_phone=supervisor,
                role=CadreRole.ADMIN if admin else CadreRole.CADRE,
            )
            cadre_id = cadre.id
            invite = await cadres.invite(session, self.runtime.cipher, phone=phone, ttl_hours=1)
        if user_id is not None:
            await self.say(user_id, f"/start {invite.code}")
        return cadre_id


def buttons(message: dict) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button under a sandbox message."""
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def button(message: dict, label_part: str) -> str:
    """The callback data of the button whose label contains `label_part`."""
    found = [data for label, data in buttons(message) if label_part in label]
    assert found, f"no {label_part!r} button in {buttons(message)}"
    return found[0]


def yulu_cli(args: list[str], env: dict[str, str]) -> str:
    """Run `yulu …` in-process (call it in a thread from async tests: it runs its own loop)."""
    from yulu.cli import app

    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output

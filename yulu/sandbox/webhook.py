"""Push pending updates to the bot's webhook, one at a time per chat, retrying on failure."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from yulu.sandbox.params import Params
from yulu.sandbox.state import SandboxState, WebhookConfig
from yulu.sandbox.updates import PendingUpdate

log = logging.getLogger(__name__)

# (token, method, params) -> (status, body); runs a method the bot returned in its webhook reply
Execute = Callable[[str, str, Params], Awaitable[tuple[int, dict[str, Any]]]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BACKOFF = 5.0


class WebhookPusher:
    """Deliver updates to the configured webhook until it is deleted."""

    def __init__(self, state: SandboxState, execute: Execute) -> None:
        self.state = state
        self.execute = execute
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._attempts: dict[int, int] = {}

    async def start(self, config: WebhookConfig) -> None:
        """Replace any running webhook with this one."""
        await self.stop()
        self.state.webhook = config
        self._task = asyncio.create_task(self._run(config))
        self.state.updates.changed.notify()  # a waiting getUpdates now answers 409

    async def stop(self) -> None:
        """Stop pushing; undelivered updates stay pending."""
        self.state.webhook = None
        tasks = [t for t in [self._task, *self._in_flight.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._in_flight.clear()

    async def _run(self, config: WebhookConfig) -> None:
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while self.state.webhook is config:
                self._dispatch(session, config)
                await self.state.updates.changed.wait(1.0)

    def _dispatch(self, session: aiohttp.ClientSession, config: WebhookConfig) -> None:
        """Start delivering the oldest pending update of each chat, up to max_connections."""
        seen_chats: set[int] = set()
        for item in list(self.state.updates.pending.values()):
            if item.chat_id in seen_chats:
                continue  # a chat's updates go one at a time, in order
            seen_chats.add(item.chat_id)
            if item.update_id in self._in_flight:
                continue
            if len(self._in_flight) >= config.max_connections:
                return
            task = asyncio.create_task(self._deliver(session, config, item))
            self._in_flight[item.update_id] = task

    async def _deliver(
        self, session: aiohttp.ClientSession, config: WebhookConfig, item: PendingUpdate
    ) -> None:
        try:
            if await self._post(session, config, item.payload):
                self._attempts.pop(item.update_id, None)
                self.state.updates.remove(item.update_id)
            else:
                attempt = self._attempts[item.update_id] = self._attempts.get(item.update_id, 0) + 1
                await asyncio.sleep(min(0.2 * 2 ** (attempt - 1), MAX_BACKOFF))
        finally:
            self._in_flight.pop(item.update_id, None)
            self.state.updates.changed.notify()

    async def _post(
        self, session: aiohttp.ClientSession, config: WebhookConfig, payload: dict[str, Any]
    ) -> bool:
        """POST one update; return whether the bot accepted it."""
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        try:
            async with session.post(config.url, json=payload, headers=headers) as response:
                if 200 <= response.status < 300:
                    await self._run_reply(config, response)
                    return True
                self._record_error(
                    config, f"Wrong response from the webhook: {response.status} {response.reason}"
                )
        except (aiohttp.ClientError, TimeoutError) as error:
            self._record_error(config, f"Connection failed: {type(error).__name__}")
        return False

    def _record_error(self, config: WebhookConfig, message: str) -> None:
        config.last_error_date = int(time.time())
        config.last_error_message = message
        log.debug("webhook delivery failed: %s", message)

    async def _run_reply(self, config: WebhookConfig, response: aiohttp.ClientResponse) -> None:
        """Execute a method the bot returned in its webhook reply, as Telegram does."""
        fields = await _reply_fields(response)
        method = fields.pop("method", None)
        if isinstance(method, str) and method:
            await self.execute(config.token, method, Params(fields))


async def _reply_fields(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """Read a JSON or multipart webhook reply into a dict of fields."""
    if response.content_type == "application/json":
        with contextlib.suppress(ValueError, aiohttp.ContentTypeError):
            body = await response.json()
            return body if isinstance(body, dict) else {}
        return {}
    if response.content_type.startswith("multipart/"):
        reader = aiohttp.MultipartReader(response.headers, response.content)
        fields: dict[str, Any] = {}
        while (part := await reader.next()) is not None:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                fields[part.name] = await part.text()
        return fields
    return {}

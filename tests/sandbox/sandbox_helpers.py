"""Helpers shared by the sandbox tests (a unique module name, imported by the tests)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from yulu.sandbox.updates import Notifier

TOKEN = "123456:ABC-sandbox_test"


class Control:
    """Thin helper over the control API, acting as users."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.http = http

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self.http.request(method, f"/sandbox/api{path}", **kwargs) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def say(self, user_id: int, text: str) -> dict[str, Any]:
        return await self.request("POST", f"/users/{user_id}/messages", json={"text": text})

    async def press(self, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        body = {"message_id": message_id, "data": data}
        return await self.request("POST", f"/users/{user_id}/callback", json=body)

    async def chat(self, user_id: int, after: int = 0) -> dict[str, Any]:
        return await self.request("GET", f"/users/{user_id}/chat", params={"after": after})

    async def stats(self) -> dict[str, Any]:
        return await self.request("GET", "/stats")


def watch_waiters(notifier: Notifier) -> asyncio.Event:
    """An event set once a long poll waits on `notifier`: then it is truly in progress."""
    waiting = asyncio.Event()
    original = notifier.wait

    async def wait(timeout: float) -> None:
        waiting.set()
        await original(timeout)

    notifier.wait = wait  # type: ignore[method-assign]
    return waiting

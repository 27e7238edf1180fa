"""Waiting for a condition with a deadline: the one way tests wait (never a fixed sleep).

A test says what it waits for and how long at most; it goes on the moment the condition
holds. Deadlines are generous (a busy 2-core machine must not fail a test), and a miss says
what was awaited.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.05


def wait_until(condition: Callable[[], T], *, what: str, timeout: float = 60.0) -> T:
    """The first truthy value of `condition()`, checked every few milliseconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(POLL_SECONDS)


async def eventually(
    condition: Callable[[], Awaitable[T]], *, what: str, timeout: float = 60.0
) -> T:
    """The first truthy value of `await condition()`, without blocking the event loop."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(POLL_SECONDS)

"""Telegram-like flood control: a sliding window per bot token and per chat."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass
class Limits:
    """Flood-control settings; exceeding them yields 429 with retry_after."""

    enabled: bool = False
    per_second: float = 30
    per_chat_per_second: float = 1
    retry_after: int = 1


class SlidingWindow:
    """At most `capacity` events in any `window` seconds.

    A rate >= 1 means floor(rate) events per second; a rate below 1 means one event per 1/rate
    seconds. Strict on purpose: Telegram tolerates short bursts, the sandbox does not.
    """

    def __init__(self, rate: float) -> None:
        if rate >= 1:
            self.capacity, self.window = int(rate), 1.0
        else:
            self.capacity, self.window = 1, 1.0 / max(rate, 1e-6)
        self.events: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """Return 0 if an event fits now, else seconds until one does."""
        while self.events and self.events[0] <= now - self.window:
            self.events.popleft()
        if len(self.events) < self.capacity:
            return 0.0
        return self.events[0] + self.window - now

    def is_idle(self, now: float) -> bool:
        """Tell whether no event remains inside the window."""
        self.wait_time(now)
        return not self.events

    def add(self, now: float) -> None:
        """Record an event that was allowed."""
        self.events.append(now)


class RateLimiter:
    """Check a sending call against the per-token and per-chat windows."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._tokens: dict[str, SlidingWindow] = {}
        self._chats: dict[tuple[str, int], SlidingWindow] = {}

    def configure(self, limits: Limits) -> None:
        """Apply new settings and start with empty windows."""
        self.limits = limits
        self._tokens.clear()
        self._chats.clear()

    def check(self, *, bot_id: str, chat_id: int | None, now: float) -> int | None:
        """Record the call and return None, or return retry_after seconds if over the limit."""
        if not self.limits.enabled:
            return None
        windows = [self._token_window(bot_id)]
        if chat_id is not None:
            windows.append(self._chat_window(bot_id, chat_id, now))
        wait = max(window.wait_time(now) for window in windows)
        if wait > 0:
            return max(self.limits.retry_after, math.ceil(wait))
        for window in windows:
            window.add(now)
        return None

    def _token_window(self, bot_id: str) -> SlidingWindow:
        if bot_id not in self._tokens:
            self._tokens[bot_id] = SlidingWindow(self.limits.per_second)
        return self._tokens[bot_id]

    def _chat_window(self, bot_id: str, chat_id: int, now: float) -> SlidingWindow:
        key = (bot_id, chat_id)
        if key not in self._chats:
            if len(self._chats) > 50_000:
                self._drop_idle_chats(now)
            self._chats[key] = SlidingWindow(self.limits.per_chat_per_second)
        return self._chats[key]

    def _drop_idle_chats(self, now: float) -> None:
        """Keep memory bounded during long campaigns."""
        for key in [key for key, window in self._chats.items() if window.is_idle(now)]:
            del self._chats[key]

"""Pending updates and the wake-up signal long-polls wait on."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any


class Notifier:
    """Wake every waiter when something changes; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Sleep until the next notify() or the timeout, whichever comes first."""
        event = self._event
        try:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
            async with asyncio.timeout(max(timeout, 0)):
                await event.wait()
        except TimeoutError:
            pass


@dataclass
class PendingUpdate:
    """An update waiting to be fetched by getUpdates or pushed to the webhook."""

    update_id: int
    chat_id: int
    payload: dict[str, Any]


class UpdateQueue:
    """Pending updates in order; ids keep growing across resets so bot offsets stay valid."""

    def __init__(self) -> None:
        self.pending: dict[int, PendingUpdate] = {}
        # Like Telegram's, ids keep growing across server restarts: a bot that remembers the
        # update ids it processed must not mistake a restarted sandbox's updates for old ones.
        self.next_update_id = int(time.time() * 1000)
        self.allowed: list[str] | None = None  # last allowed_updates the bot asked for
        self.changed = Notifier()

    def push(self, *, chat_id: int, kind: str, body: dict[str, Any]) -> int | None:
        """Queue an update unless the bot filtered its kind out; return its id."""
        if not self.accepts(kind):
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        payload = {"update_id": update_id, kind: body}
        self.pending[update_id] = PendingUpdate(update_id, chat_id, payload)
        self.changed.notify()
        return update_id

    def accepts(self, kind: str) -> bool:
        """Apply allowed_updates the way Telegram does (empty or unset means the default set)."""
        if not self.allowed:
            return kind not in {"chat_member", "message_reaction", "message_reaction_count"}
        return kind in self.allowed

    def confirm(self, offset: int) -> None:
        """Forget every update with id < offset; a negative offset keeps the last -offset."""
        if offset < 0:
            keep = list(self.pending)[offset:]
            self.pending = {uid: self.pending[uid] for uid in keep}
            return
        for update_id in [uid for uid in self.pending if uid < offset]:
            del self.pending[update_id]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Return up to limit pending updates without confirming them."""
        return [item.payload for item in list(self.pending.values())[:limit]]

    def remove(self, update_id: int) -> None:
        """Drop one update (delivered to the webhook)."""
        self.pending.pop(update_id, None)
        self.changed.notify()

    def clear(self) -> None:
        """Drop every pending update."""
        self.pending.clear()
        self.changed.notify()

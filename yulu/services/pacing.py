"""One pacer per bot token: every message the bot sends waits for its turn here.

Telegram allows a bot about 30 messages a second and one a second per chat, and answers 429
with `retry_after` past that. Replies, edits and outbox messages all pass through one Pacer
(bot/pacing.py plugs it into the Bot's HTTP session), modelled on RapidPro's courier: one rate
limiter per channel, with replies ahead of broadcasts.

- **Per chat, in order.** Calls to one chat run one at a time, first come first served; a 429
  is waited out and retried *inside* the chat's turn, so nothing overtakes it. A message goes at
  least `1 / per_chat` seconds after the previous one to that chat *finished*, so the spacing
  holds where Telegram measures it, whatever the network did.
- **Overall, by lane.** Message slots are `1 / rate` apart; when a slot comes up it goes to the
  waiting call of the best lane (replies, then alerts to cadres, then bulk), FIFO within a lane.
  Bulk gets what the other lanes leave.
- **A 429 pauses every slot** for `retry_after`.
- **Several processes**: an optional shared Budget (storage/pacing.py, in PostgreSQL) hands out
  the token's slots and chat turns across processes; each process still orders its own lanes.

Edits change a message already counted, so they keep their chat's order and the 429 pause but
take no message slot (Telegram's limits, and the sandbox's, count messages sent).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Lane(IntEnum):
    """Who goes first when a slot comes up (lower first)."""

    REPLY = 0  # an answer to what a user just did
    ALERT = 1  # a case alert, reminder or escalation to a cadre
    BULK = 2  # check-ins, job notices, campaigns


current_lane: ContextVar[Lane] = ContextVar("yulu_pacing_lane", default=Lane.REPLY)


@contextmanager
def in_lane(lane: Lane) -> Iterator[None]:
    """Send what is sent inside the block in `lane` (default: REPLY)."""
    token = current_lane.set(lane)
    try:
        yield
    finally:
        current_lane.reset(token)


class Budget(Protocol):
    """The token's limits shared with other processes (None: this process is alone)."""

    async def take_slot(self, spacing: float) -> float:
        """Book the token's next message slot; seconds to wait for it."""

    async def take_chat(self, chat_id: int, hold: float) -> float:
        """Take the chat's turn for up to `hold` s: 0 when taken, else seconds until free."""

    async def free_chat(self, chat_id: int, after: float) -> None:
        """End this process's turn: the chat is free again `after` seconds from now."""


RetryAfterOf = Callable[[BaseException], float | None]


@dataclass
class _ChatLine:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class Pacer:
    """Paces one bot token's sends: `rate` per second overall, `per_chat` per second per chat."""

    MAX_RETRIES = 8
    CHAT_HOLD = 30.0  # a shared chat turn expires if its process dies mid-send
    CHAT_POLL = 0.2  # how often a process looks whether another one has freed a chat

    def __init__(
        self,
        *,
        rate: float,
        per_chat: float,
        budget: Budget | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        # A hair above 1/rate, so no one-second window ever holds more than `rate` sends.
        self.spacing = 1.002 / rate
        self.chat_spacing = 1.0 / per_chat
        self.budget = budget
        self._clock = clock or (lambda: asyncio.get_running_loop().time())
        self._next_slot = 0.0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._granter: asyncio.Task[None] | None = None
        self._lines: dict[int, _ChatLine] = {}
        self._chat_free: dict[int, float] = {}
        self.retries = 0  # 429s waited out (for tests and logs)

    # --- what callers use ------------------------------------------------------------------

    async def run(
        self,
        call: Callable[[], Awaitable[T]],
        *,
        chat_id: int | None,
        lane: Lane | None = None,
        message: bool = True,
        retry_after_of: RetryAfterOf = lambda exc: None,
    ) -> T:
        """Make one call to Telegram in its turn; a 429 is waited out and the call repeated."""
        lane = current_lane.get() if lane is None else lane
        if chat_id is None:
            return await self._attempts(call, None, lane, message, retry_after_of)
        line = self._lines.setdefault(chat_id, _ChatLine())
        line.users += 1
        try:
            async with line.lock:  # FIFO: the chat's calls leave in the order they came
                return await self._attempts(call, chat_id, lane, message, retry_after_of)
        finally:
            line.users -= 1
            if line.users == 0:
                self._lines.pop(chat_id, None)

    def chat_ready_in(self, chat_id: int) -> float:
        """Seconds until this chat may get another message (as far as this process knows)."""
        busy = chat_id in self._lines
        return max(
            self.chat_spacing if busy else 0.0, self._chat_free.get(chat_id, 0.0) - self._now()
        )

    def pause(self, seconds: float) -> None:
        """Hold every message slot for `seconds` (Telegram said 429)."""
        self._next_slot = max(self._next_slot, self._now() + seconds)

    # --- inside ----------------------------------------------------------------------------

    def _now(self) -> float:
        return self._clock()

    async def _attempts(
        self,
        call: Callable[[], Awaitable[T]],
        chat_id: int | None,
        lane: Lane,
        message: bool,
        retry_after_of: RetryAfterOf,
    ) -> T:
        for attempt in range(1, self.MAX_RETRIES + 1):
            if message:
                await self._chat_turn(chat_id)
                await self._slot(lane)
            try:
                result = await call()
            except BaseException as exc:
                seconds = retry_after_of(exc)
                await self._chat_done(chat_id, message, seconds or 0.0)
                if seconds is None or attempt == self.MAX_RETRIES:
                    raise
                self.retries += 1
                self.pause(seconds)
                log.warning(
                    "429 from Telegram: all sends wait %.1fs (attempt %d)", seconds, attempt
                )
                if not message:  # an edit holds no slot: wait here
                    await asyncio.sleep(seconds)
                continue
            await self._chat_done(chat_id, message, 0.0)
            return result
        raise AssertionError("unreachable")

    async def _chat_turn(self, chat_id: int | None) -> None:
        """Wait until the chat's previous message is `1 / per_chat` behind us."""
        if chat_id is None:
            return
        while (wait := self._chat_free.get(chat_id, 0.0) - self._now()) > 0:
            await asyncio.sleep(wait)
        while (
            self.budget is not None
            and (wait := await self.budget.take_chat(chat_id, self.CHAT_HOLD)) > 0
        ):  # another process has the chat: its turn ends sooner than the hold, so look again
            await asyncio.sleep(min(wait, self.CHAT_POLL))

    async def _chat_done(self, chat_id: int | None, message: bool, extra: float) -> None:
        if chat_id is None or not message:
            return
        after = self.chat_spacing + extra
        self._chat_free[chat_id] = self._now() + after
        if len(self._chat_free) > 20_000:
            now = self._now()
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}
        if self.budget is not None:
            await self.budget.free_chat(chat_id, after)

    async def _slot(self, lane: Lane) -> None:
        """Wait for a message slot; when one comes up, the best lane's first caller gets it."""
        now = self._now()
        if not self._waiting and self.budget is None and self._next_slot <= now:
            # Free, and nobody ahead to prefer: what the granter would do, without the round
            # trip through the event loop (most replies on a quiet bot).
            self._next_slot = now + self.spacing
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (int(lane), next(self._order), future))
        if self._granter is None or self._granter.done():
            self._granter = asyncio.create_task(self._grant(), name="pacer-slots")
        await future

    async def _grant(self) -> None:
        while self._waiting:
            wait = self._next_slot - self._now()
            if wait > 0:  # sleep first, choose after: a reply that arrives meanwhile goes first
                await asyncio.sleep(wait)
                continue
            *_, future = heapq.heappop(self._waiting)
            if future.done():  # its caller gave up (cancelled)
                continue
            if self.budget is not None:
                try:
                    shared_wait = await self.budget.take_slot(self.spacing)
                except Exception:
                    log.exception("shared send budget unavailable; pacing this process alone")
                    shared_wait = 0.0
                if shared_wait > 0:
                    await asyncio.sleep(shared_wait)
            self._next_slot = self._now() + self.spacing
            if not future.done():
                future.set_result(None)

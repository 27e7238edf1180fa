"""The sender: delivers outbox rows at Telegram's limits, retrying what may succeed later.

Decisions (a check-in round, a case alert, a job notice) only enqueue rows; this is the one
place proactive messages leave. A transport adapter (bot/delivery.py) turns Telegram's answers
into the Delivery* errors below, so this module knows nothing of aiogram.

Several chats' messages are on the wire at once, up to `in_flight` (a round trip to Telegram
is 100 ms or more: one at a time would top out near 10 a second, under the token's 25). The
pacer still decides when each one leaves (the overall rate, lanes, 429 pauses, per-chat
spacing); the window only lets it have several waiting. Per chat, one at a time and in order:
a row whose chat has a message on the wire, or one put back for a retry, goes back to the
queue behind it. A row's place in the window is held until its outcome is recorded, so at
most `in_flight` messages are ever on the wire without their record: the ones a kill -9 may
duplicate (README: at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.services.pacing import Lane, Pacer, in_lane
from yulu.storage import outbox
from yulu.storage.locks import Leadership
from yulu.storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Base of what a transport reports when a message did not go out."""


class RetryAfter(DeliveryError):
    """429: the whole bot must pause for `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Blocked(DeliveryError):
    """403: the user blocked the bot (or deleted the account)."""


class Transient(DeliveryError):
    """5xx or a network failure: worth another try later."""


class Permanent(DeliveryError):
    """400 and the like: retrying would not help."""


class Transport(Protocol):
    async def send(self, *, chat_id: int, text: str, buttons: list[Any] | None) -> int:
        """Send a message with its channel-neutral buttons (yulu.services.actions JSON), render
        both as the channel does, and return the channel's message id or raise a DeliveryError."""


BlockedHook = Callable[[AsyncSession, OutboxMessage], Awaitable[None]]


# What goes to cadres takes the ALERT lane; everything else proactive is BULK (pacing.Lane).
ALERT_KINDS = frozenset({"alert", "reminder", "escalation", "job_interest"})
# Answers to what someone just asked for (a console sign-in code): sent as replies are, in the
# reply lane and at any hour — a code held until 08:00 would lock a cadre out all night.
ANSWER_KINDS = frozenset({"login_code"})


def lane_for(kind: str) -> Lane:
    """The pacing lane of an outbox row: answers like replies, then cadre alerts, then bulk."""
    if kind in ANSWER_KINDS:
        return Lane.REPLY
    return Lane.ALERT if kind in ALERT_KINDS else Lane.BULK


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


def in_quiet_hours(moment: datetime, *, start: time, end: time, tz: str) -> bool:
    """Whether `moment` falls in the nightly quiet period (start == end: never)."""
    if start == end:
        return False
    local = moment.astimezone(ZoneInfo(tz)).time()
    return local >= start or local < end if start > end else start <= local < end


@dataclass
class SenderConfig:
    rate_per_second: float = 25.0
    per_chat_per_second: float = 1.0
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    poll_interval_seconds: float = 1.0
    batch_size: int = 25
    lease_seconds: float = 60.0
    quiet_start: time = time(0, 0)
    quiet_end: time = time(0, 0)
    timezone: str = "Asia/Shanghai"
    in_flight: int = 8  # messages on the wire at once, each to a different chat


class OutboxSender:
    """Claims due rows and delivers them, several chats at once; each row goes out once.

    At most `in_flight` rows are between their send and its record at any moment, never two to
    one chat; a kill -9 may therefore duplicate up to `in_flight` messages, and no other.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        transport: Transport,
        config: SenderConfig,
        *,
        on_blocked: BlockedHook | None = None,
        worker: str | None = None,
        leadership: Leadership | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        """`pacer`: the token's Pacer that `transport` already sends through (yulu run shares
        one with the replies); without it the sender paces its own sends with a new one."""
        self._sessions = session_factory
        self._transport = transport
        self._config = config
        self._on_blocked = on_blocked
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._self_paced = pacer is None
        self.pacer = pacer or Pacer(
            rate=config.rate_per_second, per_chat=config.per_chat_per_second
        )
        self._leadership = leadership
        self._window = asyncio.Semaphore(max(1, config.in_flight))
        # Rows claimed and not yet handled: never claimed again by this sender, even when their
        # lease runs out while they wait (a short lease, a long 429 pause).
        self._held: set[int] = set()
        self._on_wire: set[int] = set()  # chats with a row between its start and its outcome
        # Rows this sender put back to the queue and has not sent since, per chat, with when
        # each comes due: a chat's later row never goes before them.
        self._put_back_rows: dict[int, dict[int, datetime]] = {}

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until stopped, idling `poll_interval_seconds` when nothing is due.

        With a `leadership`, only the process holding it sends, so the per-token rate holds
        however many processes run; the others stand by and take over if it dies. The next
        batch is claimed as soon as the last row of this one has its place in the window, so
        the wire never empties between batches. On stop, the rows already claimed are handled
        (at most one batch) and nothing more is claimed.
        """
        stop = stop or asyncio.Event()
        handling: set[asyncio.Task[None]] = set()
        try:
            await self._deliver_until(stop, handling)
        finally:
            await asyncio.gather(*handling, return_exceptions=True)
            if self._leadership is not None:
                await self._leadership.release()

    async def _deliver_until(self, stop: asyncio.Event, handling: set[asyncio.Task[None]]) -> None:
        while not stop.is_set():
            if self._leadership is not None and not await self._leadership.try_acquire():
                await _sleep_unless(stop, 5 * self._config.poll_interval_seconds)
                continue
            try:
                claimed = await self._claim_and_start(handling)
            except Exception:
                log.exception("outbox round failed; retrying")
                claimed = 0
            if claimed == 0:
                await _sleep_unless(stop, self._config.poll_interval_seconds)

    async def _claim_and_start(self, handling: set[asyncio.Task[None]]) -> int:
        rows = await self._claim()
        for row in rows:
            task = await self._start(row)
            handling.add(task)
            task.add_done_callback(handling.discard)
            task.add_done_callback(_log_failure)
        return len(rows)

    async def run_once(self) -> int:
        """Claim one batch and handle every row of it; returns how many rows were handled."""
        rows = await self._claim()
        tasks = [await self._start(row) for row in rows]
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome
        return len(rows)

    async def _claim(self) -> Sequence[OutboxMessage]:
        now = datetime.now(UTC)
        cfg = self._config
        quiet = in_quiet_hours(now, start=cfg.quiet_start, end=cfg.quiet_end, tz=cfg.timezone)
        async with self._sessions.begin() as session:
            rows = await outbox.claim(
                session,
                worker=self.worker,
                limit=cfg.batch_size,
                now=now,
                lease=timedelta(seconds=cfg.lease_seconds),
                held=self._held,
                kinds=ANSWER_KINDS if quiet else None,  # at night, only what was just asked for
            )
        self._held.update(row.id for row in rows)
        return rows

    async def _start(self, row: OutboxMessage) -> asyncio.Task[None]:
        """Wait for a place in the window, then handle the row beside the others there.

        Whether the row's chat is free is decided here, between awaits and in id order, so
        two rows to one chat are never both taken for sending and an earlier one goes first.
        """
        await self._window.acquire()
        wait = self._chat_busy_for(row)
        if wait <= 0:
            self._on_wire.add(row.chat_id)
            waiting = self._put_back_rows.get(row.chat_id, {})
            waiting.pop(row.id, None)
            if not waiting:
                self._put_back_rows.pop(row.chat_id, None)
        return asyncio.create_task(self._handle(row, wait), name=f"outbox-{row.id}")

    def _chat_busy_for(self, row: OutboxMessage) -> float:
        """Seconds before this row's chat may get it: 0 when it may go now."""
        chat_id = row.chat_id
        now = datetime.now(UTC)
        stale = now - timedelta(seconds=self._config.lease_seconds)  # taken or cancelled since
        waiting = self._put_back_rows.pop(chat_id, {})
        waiting = {i: due for i, due in waiting.items() if due > stale}
        if waiting:
            self._put_back_rows[chat_id] = waiting
        earlier = [due for i, due in waiting.items() if i < row.id]
        behind = self.pacer.chat_spacing if earlier or chat_id in self._on_wire else 0.0
        queued = (max(earlier) - now).total_seconds() if earlier else 0.0
        return max(behind, queued, self.pacer.chat_ready_in(chat_id))

    async def _handle(self, row: OutboxMessage, wait: float) -> None:
        """Send one row and record its outcome, or put it back when its chat is not free."""
        try:
            if wait > 0:  # the chat's previous row is on the wire, just went, or waits a retry
                await self._put_back(row, seconds=wait, attempts=row.attempts - 1)
                return
            try:
                await self._deliver(row)
            finally:
                self._on_wire.discard(row.chat_id)
        finally:
            self._held.discard(row.id)
            self._window.release()

    async def _deliver(self, row: OutboxMessage) -> None:
        if await self._no_longer_wanted(row):
            return
        try:
            with in_lane(lane_for(row.kind)):
                message_id = await self._send(row)
        except DeliveryError as error:
            await self._failed(row, error)
            return
        await self._finish(
            row.id,
            status=OutboxStatus.SENT,
            sent_at=datetime.now(UTC),
            telegram_message_id=message_id,
            last_error=None,
        )

    async def _send(self, row: OutboxMessage) -> int:
        def send() -> Awaitable[int]:
            return self._transport.send(chat_id=row.chat_id, text=row.text, buttons=row.buttons)

        if not self._self_paced:  # the transport's Bot waits in the shared pacer itself
            return await send()
        return await self.pacer.run(send, chat_id=row.chat_id, retry_after_of=_retry_after)

    async def _no_longer_wanted(self, row: OutboxMessage) -> bool:
        """Re-check, right before sending, that the graduate still wants and can get messages.

        A 退订 or a block may come after the row was claimed; such a row is cancelled, with the
        reason, instead of sent. (Hook added for the STOP that stops, issue 11.)
        """
        async with self._sessions() as session:
            reason = await outbox.undeliverable_reason(session, row)
        if reason is None:
            return False
        await self._finish(row.id, status=OutboxStatus.CANCELLED, last_error=reason)
        return True

    async def _failed(self, row: OutboxMessage, error: DeliveryError) -> None:
        if isinstance(error, RetryAfter):
            self.pacer.pause(error.seconds)
            log.warning("429 from Telegram: pausing %.1fs", error.seconds)
            await self._put_back(
                row, seconds=error.seconds, attempts=row.attempts - 1, last_error=str(error)
            )
        elif isinstance(error, Blocked):
            async with self._sessions.begin() as session:
                await outbox.finish(
                    session, row.id, status=OutboxStatus.FAILED, last_error=f"blocked: {error}"
                )
                if self._on_blocked is not None:
                    await self._on_blocked(session, row)
        elif isinstance(error, Transient) and row.attempts < self._config.max_attempts:
            delay = self._config.backoff_seconds * 2 ** (row.attempts - 1)
            log.warning("outbox row %s: %s; trying again in %.1fs", row.id, error, delay)
            await self._put_back(row, seconds=delay, attempts=row.attempts, last_error=str(error))
        else:
            log.warning("outbox row %s failed for good: %s", row.id, error)
            await self._finish(row.id, status=OutboxStatus.FAILED, last_error=str(error))

    async def _put_back(
        self, row: OutboxMessage, *, seconds: float, attempts: int, last_error: str | None = None
    ) -> None:
        """Queue the row again in `seconds`, and keep the chat's later rows behind it.

        Noted before the chat leaves the wire, so a later row of the chat taken meanwhile (in
        this batch or the next) waits; it is also due no earlier than this one, so the claim's
        id order keeps the two in turn when both come due.
        """
        waiting = self._put_back_rows.setdefault(row.chat_id, {})
        due = datetime.now(UTC) + timedelta(seconds=seconds)
        due = max([due, *waiting.values()])
        waiting[row.id] = due
        if len(self._put_back_rows) > 20_000:  # chats whose rows were cancelled meanwhile
            stale = datetime.now(UTC) - timedelta(seconds=self._config.lease_seconds)
            self._put_back_rows = {
                c: w for c, w in self._put_back_rows.items() if max(w.values()) > stale
            }
        values: dict[str, Any] = {"status": OutboxStatus.PENDING, "attempts": attempts}
        if last_error is not None:
            values["last_error"] = last_error
        await self._finish(row.id, not_before=due, **values)

    async def _finish(self, message_id: int, **values: Any) -> None:
        async with self._sessions.begin() as session:
            await outbox.finish(session, message_id, **values)


def _log_failure(task: asyncio.Task[None]) -> None:
    """A row whose handling broke (the database went away) stays "sending" until its lease
    ends and is then taken again; say so rather than lose the error."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("outbox row failed to be handled; retried after the lease", exc_info=error)


def _retry_after(error: BaseException) -> float | None:
    return error.seconds if isinstance(error, RetryAfter) else None


def sender_config(settings: Any) -> SenderConfig:
    """The sender's knobs from the application settings."""
    o = settings.outbox
    return SenderConfig(
        rate_per_second=o.rate_per_second,
        per_chat_per_second=o.per_chat_per_second,
        max_attempts=o.max_attempts,
        backoff_seconds=o.backoff_seconds,
        poll_interval_seconds=o.poll_interval_seconds,
        batch_size=o.batch_size,
        lease_seconds=o.lease_seconds,
        quiet_start=o.quiet_start,
        quiet_end=o.quiet_end,
        timezone=settings.timezone,
        in_flight=o.in_flight,
    )

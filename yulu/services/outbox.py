"""The sender: delivers outbox rows at Telegram's limits, retrying what may succeed later.

Decisions (a check-in round, a case alert, a job notice) only enqueue rows; this is the one
place proactive messages leave. A transport adapter (bot/delivery.py) turns Telegram's answers
into the Delivery* errors below, so this module knows nothing of aiogram.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
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


def lane_for(kind: str) -> Lane:
    """The pacing lane of an outbox row: cadre alerts before bulk, both after replies."""
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


class OutboxSender:
    """Claims due rows and delivers them one by one; many may run, each row goes out once."""

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

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until stopped, idling `poll_interval_seconds` when nothing is due.

        With a `leadership`, only the process holding it sends, so the per-token rate holds
        however many processes run; the others stand by and take over if it dies.
        """
        stop = stop or asyncio.Event()
        try:
            await self._deliver_until(stop)
        finally:
            if self._leadership is not None:
                await self._leadership.release()

    async def _deliver_until(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if self._leadership is not None and not await self._leadership.try_acquire():
                await _sleep_unless(stop, 5 * self._config.poll_interval_seconds)
                continue
            try:
                delivered = await self.run_once()
            except Exception:
                log.exception("outbox round failed; retrying")
                delivered = 0
            if delivered == 0:
                await _sleep_unless(stop, self._config.poll_interval_seconds)

    async def run_once(self) -> int:
        """Claim one batch and handle every row of it; returns how many rows were handled."""
        now = datetime.now(UTC)
        cfg = self._config
        if in_quiet_hours(now, start=cfg.quiet_start, end=cfg.quiet_end, tz=cfg.timezone):
            return 0
        async with self._sessions.begin() as session:
            rows = await outbox.claim(
                session,
                worker=self.worker,
                limit=cfg.batch_size,
                now=now,
                lease=timedelta(seconds=cfg.lease_seconds),
            )
        recording: asyncio.Task[None] | None = None
        for row in rows:
            recording = await self._deliver(row, recording)
        if recording is not None:
            await recording
        return len(rows)

    async def _deliver(
        self, row: OutboxMessage, recording: asyncio.Task[None] | None
    ) -> asyncio.Task[None] | None:
        """Send one row; its "sent" mark is written while the next row waits for its turn.

        The previous mark is awaited before this send, so at most one message is ever on the
        wire without its record: the one a kill -9 may duplicate (README: at-least-once).
        """
        wait = self.pacer.chat_ready_in(row.chat_id)
        if wait > 0:  # another message just went to this chat: come back for this one
            await self._finish(
                row.id,
                status=OutboxStatus.PENDING,
                attempts=row.attempts - 1,
                not_before=datetime.now(UTC) + timedelta(seconds=wait),
            )
            return recording
        if recording is not None:
            await recording
        if await self._no_longer_wanted(row):
            return None
        try:
            with in_lane(lane_for(row.kind)):
                message_id = await self._send(row)
        except DeliveryError as error:
            await self._failed(row, error)
            return None
        return asyncio.create_task(
            self._finish(
                row.id,
                status=OutboxStatus.SENT,
                sent_at=datetime.now(UTC),
                telegram_message_id=message_id,
                last_error=None,
            )
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
        now = datetime.now(UTC)
        if isinstance(error, RetryAfter):
            self.pacer.pause(error.seconds)
            log.warning("429 from Telegram: pausing %.1fs", error.seconds)
            await self._finish(
                row.id,
                status=OutboxStatus.PENDING,
                attempts=row.attempts - 1,
                not_before=now + timedelta(seconds=error.seconds),
                last_error=str(error),
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
            await self._finish(
                row.id,
                status=OutboxStatus.PENDING,
                last_error=str(error),
                not_before=now + timedelta(seconds=delay),
            )
        else:
            log.warning("outbox row %s failed for good: %s", row.id, error)
            await self._finish(row.id, status=OutboxStatus.FAILED, last_error=str(error))

    async def _finish(self, message_id: int, **values: Any) -> None:
        async with self._sessions.begin() as session:
            await outbox.finish(session, message_id, **values)


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
    )

"""Several chats' messages on the wire at once, against a sandbox slow to answer (issue 12).

Each send takes a round trip (`RTT`, injected as a delay on every sendMessage); one message at
a time could never deliver more than 1 / RTT a second. The sandbox stamps each message when it
arrives; spacing, order and the rate are read from that record, and the sandbox's flood control
(Telegram's 30/s per bot, per-chat limit) is on, so any 429 fails these tests.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator

import pytest
from factories import make_graduates, queued_messages
from waiting import eventually

from yulu.bot.app import create_bot
from yulu.bot.delivery import TelegramTransport
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox, Limits
from yulu.sandbox.state import FaultRule
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, SenderConfig
from yulu.storage import outbox

pytestmark = pytest.mark.integration
RATE = 25.0  # outbox.rate_per_second's default
RTT = 0.2
# Stamped at arrival, a second may hold one or two more than RATE on a busy machine (as in
# tests/bot/test_paced_burst.py); the sandbox's own 30/s and the zero-429 checks are strict.
ARRIVAL_JITTER = 2


@pytest.fixture
async def slow() -> AsyncIterator[BotApiSandbox]:
    """A sandbox with Telegram's limits that answers each sendMessage after RTT."""
    server = BotApiSandbox(port=0, limits=Limits(enabled=True, per_chat_per_second=2))
    await server.start()
    server.state.faults.append(FaultRule(method="sendMessage", delay=RTT, count=1_000_000))
    yield server
    await server.stop()


def _sent(sandbox: BotApiSandbox) -> list[dict]:
    return [s for s in sandbox.state.stats.sent if (s["text"] or "").startswith("通知")]


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times)), default=0)


async def _enqueue(runtime: Runtime, chats: list[int], *, each: int, graduates: bool) -> None:
    """`each` messages to every chat, queued in turn: chat by chat, 通知 c-1, 通知 c-2, …"""
    ids = await make_graduates(runtime, chats, cadre_id=None) if graduates else [None] * len(chats)
    async with runtime.session_factory.begin() as session:
        await outbox.enqueue_many(
            session,
            [
                outbox.Outgoing(
                    key=f"test:{chat}:{n}",
                    kind="test",
                    chat_id=chat,
                    text=f"通知 {chat}-{n}",
                    graduate_id=graduate_id,
                )
                for n in range(1, each + 1)
                for chat, graduate_id in zip(chats, ids, strict=True)
            ],
        )


async def _run_until_drained(
    runtime: Runtime, sandbox: BotApiSandbox, config: SenderConfig
) -> None:
    """`run` the sender, as `yulu run` does, until no row is queued or on the wire."""
    bot = create_bot("123456:ABC", sandbox.url)
    sender = OutboxSender(runtime.session_factory, TelegramTransport(bot, get_translator()), config)
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))

    async def drained() -> bool:
        return await queued_messages(runtime) == 0

    try:
        await eventually(drained, what="every queued message handled", timeout=60)
    finally:
        stop.set()
        await running
        await bot.session.close()


def _assert_within_the_limits(sandbox: BotApiSandbox) -> None:
    stats = sandbox.state.stats
    assert stats.limited == 0 and stats.too_many_requests == 0  # Telegram would not refuse one
    assert _busiest_second([s["mono"] for s in _sent(sandbox)]) <= RATE + ARRIVAL_JITTER


async def test_many_chats_drain_faster_than_one_round_trip_allows(
    runtime: Runtime, slow: BotApiSandbox
) -> None:
    chats = list(range(72_000, 72_060))
    for chat in chats:
        slow.state.ensure_chat(chat)
    await _enqueue(runtime, chats, each=1, graduates=True)
    config = SenderConfig(rate_per_second=RATE, poll_interval_seconds=0.05)
    assert config.in_flight * (1 / RTT) > RATE  # the default window can keep up with the rate

    await _run_until_drained(runtime, slow, config)

    sent = _sent(slow)
    assert sorted(s["chat_id"] for s in sent) == chats  # each once
    one_at_a_time = int(1 / RTT) + 1  # the most a second could hold with one message in flight
    busiest = _busiest_second([s["mono"] for s in sent])
    assert busiest >= RATE / 2 > one_at_a_time, busiest
    _assert_within_the_limits(slow)


async def test_several_messages_per_chat_keep_their_order_and_spacing(
    runtime: Runtime, slow: BotApiSandbox
) -> None:
    chats = list(range(73_000, 73_008))
    for chat in chats:
        slow.state.ensure_chat(chat)
    await _enqueue(runtime, chats, each=4, graduates=False)
    per_chat = 2.0  # spacing 0.5 s keeps the test short; the rule is the same at 1/s
    config = SenderConfig(
        rate_per_second=RATE, per_chat_per_second=per_chat, poll_interval_seconds=0.05
    )

    await _run_until_drained(runtime, slow, config)

    arrivals: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for s in _sent(slow):
        arrivals[s["chat_id"]].append((s["mono"], s["text"]))
    for chat in chats:
        texts = [text for _, text in sorted(arrivals[chat])]
        assert texts == [f"通知 {chat}-{n}" for n in range(1, 5)]  # in order, each once
        times = sorted(t for t, _ in arrivals[chat])
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 1 / per_chat, gaps  # never two to one chat closer than its spacing
    _assert_within_the_limits(slow)


async def test_a_retried_message_stays_ahead_of_its_chats_next_ones(
    runtime: Runtime, slow: BotApiSandbox
) -> None:
    chats = list(range(74_000, 74_006))
    for chat in chats:
        slow.state.ensure_chat(chat)
    flaky = chats[0]  # its first message meets a 502 and waits a backoff; the next ones wait too
    slow.state.faults.insert(0, FaultRule(method="sendMessage", status=502, chat_id=flaky))
    await _enqueue(runtime, chats, each=3, graduates=False)
    config = SenderConfig(
        rate_per_second=RATE,
        per_chat_per_second=2.0,
        backoff_seconds=0.6,
        poll_interval_seconds=0.05,
    )

    await _run_until_drained(runtime, slow, config)

    for chat in chats:
        texts = [
            s["text"] for s in sorted(_sent(slow), key=lambda s: s["mono"]) if s["chat_id"] == chat
        ]
        assert texts == [f"通知 {chat}-{n}" for n in range(1, 4)], texts
    assert slow.state.stats.errors_by_status[502] == 1
    _assert_within_the_limits(slow)


async def test_rows_waiting_past_their_lease_are_sent_once(
    runtime: Runtime, slow: BotApiSandbox
) -> None:
    """A claimed batch waits its turn in the window longer than the lease (as a long 429
    pause would make it): the sender's next claim must not take those rows a second time."""
    chats = list(range(75_000, 75_050))
    for chat in chats:
        slow.state.ensure_chat(chat)
    await _enqueue(runtime, chats, each=1, graduates=False)
    config = SenderConfig(rate_per_second=RATE, lease_seconds=0.5, poll_interval_seconds=0.05)

    await _run_until_drained(runtime, slow, config)

    assert sorted(s["chat_id"] for s in _sent(slow)) == chats  # each exactly once
    _assert_within_the_limits(slow)

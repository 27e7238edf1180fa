"""The outbox sender against the sandbox with faults: once each, within the rate, 403s cased."""

from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp
import pytest
from factories import make_cadre, make_graduates, queued_messages
from sqlalchemy import func, select
from waiting import eventually

from yulu.bot.app import create_bot
from yulu.bot.delivery import TelegramTransport
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services import cadres, cases
from yulu.services.checkin import blocked_hook
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, SenderConfig
from yulu.storage import outbox
from yulu.storage.models import (
    Cadre,
    CadreRole,
    Case,
    CaseEvent,
    CaseReason,
    Graduate,
    OutboxMessage,
    OutboxStatus,
)

pytestmark = pytest.mark.integration
RATE = 60.0


async def _control(
    sandbox: BotApiSandbox, method: str, path: str, body: dict | None = None
) -> dict:
    async with aiohttp.ClientSession() as http:
        async with http.request(method, f"{sandbox.url}/sandbox/api{path}", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()


async def _enqueue(runtime: Runtime, graduate_ids: list[int], user_ids: list[int]) -> None:
    async with runtime.session_factory.begin() as session:
        for graduate_id, user_id in zip(graduate_ids, user_ids, strict=True):
            await outbox.enqueue(
                session,
                outbox.Outgoing(
                    key=f"test:{graduate_id}",
                    kind="test",
                    chat_id=user_id,
                    text=f"通知 {graduate_id}",
                    graduate_id=graduate_id,
                ),
            )


async def _drain(sender: OutboxSender, runtime: Runtime, timeout: float = 120) -> None:
    """Run the sender until no message is left queued (retries come due as time passes)."""

    async def drained() -> bool:
        await sender.run_once()
        return await queued_messages(runtime) == 0

    await eventually(drained, what="every queued message handled", timeout=timeout)


async def test_500_messages_with_faults(runtime: Runtime, sandbox: BotApiSandbox) -> None:
    user_ids = list(range(70_000, 70_500))
    for user_id in user_ids:  # each user has opened the chat
        await _control(sandbox, "POST", f"/users/{user_id}/messages", {"text": "hi"})
    blocked = set(user_ids[::50])  # 10 users blocked the bot
    for user_id in blocked:
        await _control(sandbox, "POST", f"/users/{user_id}/blocked", {"blocked": True})
    for rule in (
        {"method": "sendMessage", "status": 429, "retry_after": 1, "count": 3},
        {"method": "sendMessage", "status": 500, "count": 6},
        {"method": "sendMessage", "status": 502, "count": 4},
    ):
        await _control(sandbox, "POST", "/faults", rule)
    cadre = await make_cadre(runtime)
    graduate_ids = await make_graduates(runtime, user_ids, cadre_id=cadre.id)
    await _enqueue(runtime, graduate_ids, user_ids)

    bot = create_bot("123456:ABC", sandbox.url)
    # The ten blocked cases alert one cadre; at Telegram's one message a second per chat those
    # alerts alone would take ten seconds. Per-chat spacing has its own tests (test_pacing.py,
    # test_paced_burst.py); here it is lifted so the faults and the overall rate are what count.
    config = SenderConfig(
        rate_per_second=RATE, per_chat_per_second=RATE, backoff_seconds=0.2, batch_size=25
    )
    sender = OutboxSender(
        runtime.session_factory,
        TelegramTransport(bot, get_translator()),
        config,
        on_blocked=blocked_hook(runtime.cipher, get_translator()),
    )
    try:
        await _drain(sender, runtime)
    finally:
        await bot.session.close()

    stats = await _control(sandbox, "GET", "/stats")
    sent = [
        s for s in stats["sent"] if s["method"] == "sendMessage" and s["text"].startswith("通知")
    ]
    per_chat = Counter(s["chat_id"] for s in sent)
    assert set(per_chat) == set(user_ids) - blocked  # every deliverable message delivered
    assert max(per_chat.values()) == 1  # exactly once
    times = sorted(s["mono"] for s in sent)
    busiest = max(sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times))
    assert busiest <= RATE  # no one-second window above the configured rate
    async with runtime.session_factory() as session:
        unreachable = set(
            await session.scalars(
                select(Graduate.telegram_user_id).where(Graduate.unreachable_at.is_not(None))
            )
        )
        cased = await session.scalar(
            select(func.count(Case.id)).where(Case.reason == CaseReason.BLOCKED)
        )
        failed = await session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.FAILED)
        )
    assert unreachable == blocked and cased == len(blocked) and failed == len(blocked)


async def test_two_senders_never_send_one_row_twice(
    runtime: Runtime, sandbox: BotApiSandbox
) -> None:
    user_ids = list(range(71_000, 71_120))
    for user_id in user_ids:
        await _control(sandbox, "POST", f"/users/{user_id}/messages", {"text": "hi"})
    graduate_ids = await make_graduates(runtime, user_ids, cadre_id=None)
    await _enqueue(runtime, graduate_ids, user_ids)
    bot = create_bot("123456:ABC", sandbox.url)
    senders = [
        OutboxSender(
            runtime.session_factory,
            TelegramTransport(bot, get_translator()),
            SenderConfig(rate_per_second=200, batch_size=10),
            worker=f"w{i}",
        )
        for i in range(2)
    ]
    try:
        await asyncio.gather(*(_drain(s, runtime) for s in senders))
    finally:
        await bot.session.close()
    stats = await _control(sandbox, "GET", "/stats")
    per_chat = Counter(s["chat_id"] for s in stats["sent"] if s["text"].startswith("通知"))
    assert set(per_chat) == set(user_ids) and max(per_chat.values()) == 1


async def test_a_cadre_who_blocked_the_bot_is_skipped_and_the_case_climbs_at_once(
    runtime: Runtime, sandbox: BotApiSandbox
) -> None:
    """The owner's alert is refused (403): the case goes straight to the county administrator,
    told why, instead of waiting two SLA periods for a reminder nobody would get."""
    owner_user, admin_user, graduate_user = 71_001, 71_002, 71_003
    for user in (owner_user, admin_user):
        await _control(sandbox, "POST", f"/users/{user}/messages", {"text": "hi"})
    await _control(sandbox, "POST", f"/users/{owner_user}/blocked", {"blocked": True})
    owner = await make_cadre(runtime, telegram_user_id=owner_user)
    async with runtime.session_factory.begin() as session:
        admin = await cadres.add_cadre(
            session, runtime.cipher, name="赵主任", phone="13900000000", region="隆回",
            role=CadreRole.ADMIN,
        )  # fmt: skip
        admin.telegram_user_id = admin_user
    [graduate_id] = await make_graduates(runtime, [graduate_user], cadre_id=owner.id)
    t = get_translator()
    async with runtime.session_factory.begin() as session:
        graduate = await session.get(Graduate, graduate_id)
        case = await cases.open_case(
            session, runtime.cipher, t, graduate, CaseReason.LOST_JOB, actor="system"
        )
        case_id = case.id
    bot = create_bot("123456:ABC", sandbox.url)
    sender = OutboxSender(
        runtime.session_factory,
        TelegramTransport(bot, t),
        SenderConfig(rate_per_second=RATE, per_chat_per_second=RATE, backoff_seconds=0.2),
        on_blocked=blocked_hook(runtime.cipher, t),
    )
    try:
        await _drain(sender, runtime)
    finally:
        await bot.session.close()

    stats = await _control(sandbox, "GET", "/stats")
    to_admin = [s["text"] for s in stats["sent"] if s["chat_id"] == admin_user]
    assert len(to_admin) == 1 and "王书记 已屏蔽机器人" in to_admin[0]
    async with runtime.session_factory() as session:
        cadre = await session.get(Cadre, owner.id)
        assert cadre.unreachable_at is not None and not cadre.reachable
        events = [e.action for e in await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )]  # fmt: skip
    assert events == ["opened", "alerted", "unreachable", "escalated"]

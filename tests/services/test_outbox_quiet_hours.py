"""Quiet hours hold proactive messages, not the answer to what someone just asked for."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from yulu.bot.app import create_bot
from yulu.bot.delivery import TelegramTransport
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services.context import Runtime
from yulu.services.outbox import OutboxSender, SenderConfig
from yulu.storage import outbox
from yulu.storage.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.integration
TZ = "Asia/Shanghai"


async def test_at_night_a_sign_in_code_goes_out_and_a_check_in_waits(
    runtime: Runtime, sandbox: BotApiSandbox
) -> None:
    """A cadre asking the console for a sign-in code at 23:00 gets it at once (it used to wait
    for 08:00 with the rest); the check-in queued beside it still waits for the morning."""
    now = datetime.now(ZoneInfo(TZ))  # quiet from an hour ago until an hour from now
    config = SenderConfig(
        quiet_start=(now - timedelta(hours=1)).time(),
        quiet_end=(now + timedelta(hours=1)).time(),
        timezone=TZ,
    )
    for chat in (501, 502):
        sandbox.state.ensure_chat(chat)
    async with runtime.session_factory.begin() as session:
        await outbox.enqueue_many(
            session,
            [
                outbox.Outgoing(key="checkin:x", kind="checkin", chat_id=501, text="本月就业情况"),
                outbox.Outgoing(key="code:x", kind="login_code", chat_id=502, text="登录码 123456"),
            ],
        )
    bot = create_bot("123456:ABC", sandbox.url)
    try:
        sender = OutboxSender(
            runtime.session_factory, TelegramTransport(bot, get_translator()), config
        )
        assert await sender.run_once() == 1
    finally:
        await bot.session.close()
    assert [s["text"] for s in sandbox.state.stats.sent] == ["登录码 123456"]
    async with runtime.session_factory() as session:
        statuses = dict(
            (await session.execute(select(OutboxMessage.kind, OutboxMessage.status))).all()
        )
    assert statuses == {"checkin": OutboxStatus.PENDING, "login_code": OutboxStatus.SENT}

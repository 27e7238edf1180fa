"""Job notices through the sandbox: the right posting reaches the right graduate, once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date

import pytest
from e2e_harness import BotProcess, Chat, texts
from sqlalchemy import select

from yulu.storage.engine import create_engine, create_session_factory
from yulu.storage.models import OutboxMessage

pytestmark = pytest.mark.e2e
YEAR = date.today().year
# The sender must not wait for morning, the calendar must not match on its own, and the weekly
# cap is set per `yulu match run` below.
ENV = {
    "YULU_OUTBOX_QUIET_START": "00:00",
    "YULU_OUTBOX_QUIET_END": "00:00",
    "YULU_SCHEDULER_ENABLED": "false",
    "YULU_OUTBOX_POLL_INTERVAL_SECONDS": "0.3",
}


def yulu(bot: BotProcess, *args: str, cap: int) -> str:
    env = {**os.environ, **bot.env, "YULU_MATCHING_WEEKLY_CAP": str(cap)}
    result = subprocess.run(
        [sys.executable, "-m", "yulu", *args],
        env=env,
        cwd=bot.workdir,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def sign_up(chat: Chat, *, major: str, desired: str) -> None:
    """李小红 from the demo roster (so 王书记 is her cadre), studied `major`, wants `desired`."""
    chat.send("/start")
    chat.tap("同意并开始登记")
    chat.send("李小红")
    chat.send("13800138000")
    chat.tap("跳过")
    chat.send("邵阳职业技术学院")
    chat.send(major)
    chat.tap(f"高职 {YEAR}届")
    chat.send("隆回")
    chat.send(desired)
    chat.tap("正在找工作")
    assert "王书记" in texts(chat.tap("确认提交"))


def notice_rows(database_url: str, chat_id: int) -> list[tuple[str, str]]:
    """(idempotency key, text) of the job notices in the outbox for one chat."""

    async def read() -> list[tuple[str, str]]:
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine)() as session:
                rows = await session.execute(
                    select(OutboxMessage.idempotency_key, OutboxMessage.text)
                    .where(OutboxMessage.chat_id == chat_id, OutboxMessage.kind == "job_notice")
                    .order_by(OutboxMessage.id)
                )
                return [(key, text) for key, text in rows]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def wait_for(predicate: Callable[[], list], what: str, timeout: float = 20) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def notices(chat: Chat) -> list[dict]:
    return [m for m in chat.bot_messages() if "为您推荐一个岗位" in (m["text"] or "")]


def test_guangdong_auto_repair_graduate_gets_the_shenzhen_job_once_within_the_cap(
    start_bot: Callable[..., BotProcess],
) -> None:
    bot = start_bot("--demo", extra_env=ENV)
    cadre = Chat(bot.url, 2001, "王书记")
    cadre.send("/mygraduates")  # the sandbox delivers only to chats a user has opened
    chat = Chat(bot.url, 61_001, "小红")
    sign_up(chat, major="汽修", desired="广东")

    browse = texts(chat.send("/jobs"))
    assert "汽车维修技师" in browse and "推荐理由：求职地广东省、专业汽修" in browse
    assert "会计助理" not in browse and "汽车机修学徒" not in browse  # 长沙会计; the expired one
    assert "为您找到 2 个" in browse and "第 1 个" in browse
    chat.tap_quietly("下一个")  # the same message, edited to the second match
    [page] = [m for m in chat.bot_messages() if "第 2 个" in (m["text"] or "")]
    assert "铁路线路工" in page["text"] and "上一个" in str(page["reply_markup"])

    first = yulu(bot, "match", "run", cap=1)
    assert "推送 1 条" in first
    [(key, text)] = notice_rows(bot.env["YULU_DATABASE_URL"], chat.user_id)
    assert key.startswith("notice:") and "汽车维修技师" in text and "深圳市宝安区" in text
    [delivered] = wait_for(lambda: notices(chat), "the notice in the chat")
    assert "推荐理由：求职地广东省、专业汽修" in delivered["text"]
    assert "会计" not in delivered["text"] and "已截止" not in delivered["text"]

    assert "推送 0 条" in yulu(bot, "match", "run", cap=1)  # again: nothing new; the cap holds
    assert len(notice_rows(bot.env["YULU_DATABASE_URL"], chat.user_id)) == 1
    assert "推送 1 条" in yulu(bot, "match", "run", cap=2)  # a higher cap lets the 见习 through
    rows = notice_rows(bot.env["YULU_DATABASE_URL"], chat.user_id)
    assert len(rows) == 2 and "见习" in rows[1][1]
    assert not any("会计助理" in t or "汽车机修学徒" in t for _, t in rows)
    wait_for(lambda: len(notices(chat)) == 2 and notices(chat), "the second notice")

    reply = texts(chat.tap("感兴趣/报名"))  # on the newest notice: the 见习
    assert "已记录" in reply and "王书记" in reply
    alert = wait_for(
        lambda: [m for m in cadre.bot_messages() if "岗位报名提醒" in (m["text"] or "")],
        "the cadre's interest alert",
    )[-1]
    assert "李小红" in alert["text"] and "138****8000" in alert["text"] and "见习" in alert["text"]

    assert "哪里不合适" in texts(chat.tap("不合适"))
    assert "已记下" in texts(chat.tap("地点不合适"))

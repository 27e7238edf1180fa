"""The monthly round and the case it can start, through the sandbox, as graduates and cadres."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from e2e_harness import BotProcess, Chat, texts
from test_e2e_cadre_privacy import invite_code, yulu

pytestmark = pytest.mark.e2e
PERIOD = "2026-10"
DEMO = (("李小红", "13800138000"), ("张伟", "13800138001"), ("王芳", "13800138002"))


def register(chat: Chat, name: str, phone: str) -> None:
    chat.send("/start")
    chat.tap("同意并开始登记")
    chat.send(name)
    chat.send(phone)
    chat.tap("跳过")
    chat.send("邵阳职业技术学院")
    chat.send("汽车运用与维修")
    chat.send("高职 2025")
    chat.send("隆回")
    chat.tap("不限地区")
    chat.tap("已就业")
    assert "王书记" in texts(chat.tap("确认提交"))


def wait_for(predicate: Callable[[], object], what: str, timeout: float = 20) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def checkins(chat: Chat) -> list[dict]:
    return [m for m in chat.bot_messages() if "就业情况小调查" in (m["text"] or "")]


def wait_nlu(chat: Chat) -> None:
    """The model loads in the background after start; wait until free text is understood."""
    wait_for(lambda: "您好" in texts(chat.send("你好")), "the NLU model", timeout=60)


def test_round_case_alert_ack_resolve(start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot("--demo")
    graduates = [Chat(bot.url, 50_001 + i, name) for i, (name, _) in enumerate(DEMO)]
    for chat, (name, phone) in zip(graduates, DEMO, strict=True):
        register(chat, name, phone)

    output = yulu(bot, "checkin", "run", "--period", PERIOD)
    assert "新加入发送队列 3 条" in output
    for chat in graduates:
        wait_for(lambda chat=chat: checkins(chat), f"check-in to {chat.first_name}")
    assert all(len(checkins(chat)) == 1 for chat in graduates)

    first, second, third = graduates
    reply = texts(first.tap("失业了"))
    assert "帮扶干部" in reply
    cadre = Chat(bot.url, 2001, "王书记")
    alert = wait_for(
        lambda: [m for m in cadre.bot_messages() if "李小红" in (m["text"] or "")],
        "the cadre's alert",
        timeout=10,
    )[-1]
    assert "失业" in alert["text"] and "138****8000" in alert["text"]

    wait_nlu(second)
    reply = texts(second.send("厂子倒闭了，现在没活干"))
    if "对吗" in reply:  # a critical guess without confidence is confirmed first
        reply = texts(second.tap("是的"))
    assert "帮扶干部" in reply
    wait_for(
        lambda: [m for m in cadre.bot_messages() if "张伟" in (m["text"] or "")],
        "the second alert",
        timeout=10,
    )

    cadre.tap_quietly("受理")  # a toast, and the alert itself now reads 已受理 (no new message)
    assert any("已受理" in (m["text"] or "") for m in cadre.bot_messages())
    cadre.tap("办结")
    assert "已办结" in texts(cadre.tap("已就业"))
    listing = yulu(bot, "cases", "list")
    assert "已办结" in listing and "待受理" in listing

    yulu(bot, "cadre", "add", "--name", "孙干部", "--phone", "13922223333", "--region", "隆回")
    other = Chat(bot.url, 2002, "孙干部")
    other.send(f"/start {invite_code(yulu(bot, 'cadre', 'invite', '13922223333'))}")
    case_id = alert["text"].split("#", 1)[1].split("（", 1)[0].strip()
    assert "没有权限" in texts(other.send(f"/case {case_id}"))

    assert "新加入发送队列 0 条" in yulu(bot, "checkin", "run", "--period", PERIOD)
    time.sleep(2)
    assert all(len(checkins(chat)) == 1 for chat in graduates)

    assert "哪个单位" in texts(third.tap("还在原单位"))  # employer, place, income, stable
    third.send("比亚迪")
    assert "收入" in texts(third.send("深圳"))
    assert "稳定" in texts(third.send("三千八"))
    assert "记下了" in texts(third.tap("稳定"))

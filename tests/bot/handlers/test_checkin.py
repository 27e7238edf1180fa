"""The monthly round and the case it can start, as graduates and cadres, in-process.

Was tests/e2e/test_e2e_checkin.py (a `yulu run --demo` process, CLI subprocesses, polling the
chats); the same steps and assertions, with the outbox delivered by the real sender on demand.
"""

from __future__ import annotations

import pytest
from journey import Journey, Person, texts
from test_cadre import invite_code

pytestmark = pytest.mark.integration
PERIOD = "2026-10"
DEMO = (("李小红", "13800138000"), ("张伟", "13800138001"), ("王芳", "13800138002"))
SURVEY = "就业情况小调查"


async def register(person: Person, name: str, phone: str) -> None:
    await person.send("/start")
    await person.tap("同意并开始登记")
    await person.send(name)
    await person.send(phone)
    await person.tap("跳过")
    await person.send("邵阳职业技术学院")
    await person.send("汽车运用与维修")
    await person.send("高职 2025")
    await person.send("隆回")
    await person.tap("不限地区")
    await person.tap("已就业")
    assert "王书记" in texts(await person.tap("确认提交"))


async def test_round_case_alert_ack_resolve(demo: Journey) -> None:
    graduates = [demo.person(50_001 + i, name) for i, (name, _) in enumerate(DEMO)]
    for person, (name, phone) in zip(graduates, DEMO, strict=True):
        await register(person, name, phone)

    output = await demo.yulu("checkin", "run", "--period", PERIOD)
    assert "新加入发送队列 3 条" in output
    await demo.deliver()
    assert [len(await p.texts_with(SURVEY)) for p in graduates] == [1, 1, 1]

    first, second, third = graduates
    reply = texts(await first.tap("失业了"))
    assert "帮扶干部" in reply
    cadre = demo.person(2001, "王书记")
    alert = (await cadre.texts_with("李小红"))[-1]
    assert "失业" in alert["text"] and "138****8000" in alert["text"]

    await demo.load_nlu()
    reply = texts(await second.send("厂子倒闭了，现在没活干"))
    if "对吗" in reply:  # a critical guess without confidence is confirmed first
        reply = texts(await second.tap("是的"))
    assert "帮扶干部" in reply
    assert await cadre.texts_with("张伟"), "the second alert"

    await cadre.tap("受理")  # a toast, and the alert itself now reads 已受理 (no new message)
    assert await cadre.texts_with("已受理")
    await cadre.tap("办结")
    assert "已办结" in texts(await cadre.tap("已就业"))
    listing = await demo.yulu("cases", "list")
    assert "已办结" in listing and "待受理" in listing

    await demo.yulu(
        "cadre", "add", "--name", "孙干部", "--phone", "13922223333", "--region", "隆回"
    )
    other = demo.person(2002, "孙干部")
    await other.send(f"/start {invite_code(await demo.yulu('cadre', 'invite', '13922223333'))}")
    case_id = alert["text"].split("#", 1)[1].split("（", 1)[0].strip()
    assert "没有权限" in texts(await other.send(f"/case {case_id}"))

    assert "新加入发送队列 0 条" in await demo.yulu("checkin", "run", "--period", PERIOD)
    assert await demo.deliver() == 0
    assert [len(await p.texts_with(SURVEY)) for p in graduates] == [1, 1, 1]

    assert "哪个单位" in texts(await third.tap("还在原单位"))  # employer, place, income, stable
    await third.send("比亚迪")
    assert "收入" in texts(await third.send("深圳"))
    assert "稳定" in texts(await third.send("三千八"))
    assert "记下了" in texts(await third.tap("稳定"))

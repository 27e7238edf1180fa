"""Job notices in-process: the right posting reaches the right graduate, once.

Was tests/e2e/test_e2e_jobs.py (a `yulu run --demo` process, `yulu match run` subprocesses);
the same steps and assertions through the real dispatcher, the CLI in-process.
"""

from __future__ import annotations

from datetime import date

import pytest
from journey import Journey, Person, texts
from sqlalchemy import select

from yulu.storage.models import OutboxMessage

pytestmark = pytest.mark.integration
YEAR = date.today().year
NOTICE = "为您推荐一个岗位"


async def sign_up(person: Person, *, major: str, desired: str) -> None:
    """李小红 from the demo roster (so 王书记 is her cadre), studied `major`, wants `desired`."""
    await person.send("/start")
    await person.tap("同意并开始登记")
    await person.send("李小红")
    await person.send("13800138000")
    await person.tap("跳过")
    await person.send("邵阳职业技术学院")
    await person.send(major)
    await person.tap(f"高职 {YEAR}届")
    await person.send("隆回")
    await person.send(desired)
    await person.tap("正在找工作")
    assert "王书记" in texts(await person.tap("确认提交"))


async def notice_rows(journey: Journey, chat_id: int) -> list[tuple[str, str]]:
    """(idempotency key, text) of the job notices in the outbox for one chat."""
    async with journey.runtime.session_factory() as session:
        rows = await session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.text)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.kind == "job_notice")
            .order_by(OutboxMessage.id)
        )
        return [(key, text) for key, text in rows]


async def match_run(journey: Journey, *, cap: int) -> str:
    return await journey.yulu("match", "run", env={"YULU_MATCHING_WEEKLY_CAP": str(cap)})


async def test_guangdong_auto_repair_graduate_gets_the_shenzhen_job_once_within_the_cap(
    demo: Journey,
) -> None:
    cadre = demo.person(2001, "王书记")
    await cadre.send("/mygraduates")  # the sandbox delivers only to chats a user has opened
    person = demo.person(61_001, "小红")
    await sign_up(person, major="汽修", desired="广东")

    browse = texts(await person.send("/jobs"))
    assert "汽车维修技师" in browse and "推荐理由：求职地广东省、专业汽修" in browse
    assert "会计助理" not in browse and "汽车机修学徒" not in browse  # 长沙会计; the expired one
    assert "为您找到 2 个" in browse and "第 1 个" in browse
    await person.tap("下一个")  # the same message, edited to the second match
    [page] = await person.texts_with("第 2 个")
    assert "铁路线路工" in page["text"] and "上一个" in str(page["reply_markup"])

    assert "推送 1 条" in await match_run(demo, cap=1)
    [(key, text)] = await notice_rows(demo, person.user_id)
    assert key.startswith("notice:") and "汽车维修技师" in text and "深圳市宝安区" in text
    await demo.deliver()
    [delivered] = await person.texts_with(NOTICE)
    assert "推荐理由：求职地广东省、专业汽修" in delivered["text"]
    assert "会计" not in delivered["text"] and "已截止" not in delivered["text"]

    assert "推送 0 条" in await match_run(demo, cap=1)  # again: nothing new; the cap holds
    assert len(await notice_rows(demo, person.user_id)) == 1
    assert "推送 1 条" in await match_run(demo, cap=2)  # a higher cap lets the 见习 through
    rows = await notice_rows(demo, person.user_id)
    assert len(rows) == 2 and "见习" in rows[1][1]
    assert not any("会计助理" in t or "汽车机修学徒" in t for _, t in rows)
    await demo.deliver()
    assert len(await person.texts_with(NOTICE)) == 2

    reply = texts(await person.tap("感兴趣/报名"))  # on the newest notice: the 见习
    assert "已记录" in reply and "王书记" in reply
    alert = (await cadre.texts_with("岗位报名提醒"))[-1]
    assert "李小红" in alert["text"] and "138****8000" in alert["text"] and "见习" in alert["text"]

    assert "哪里不合适" in texts(await person.tap("不合适"))
    assert "已记下" in texts(await person.tap("地点不合适"))

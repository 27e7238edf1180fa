"""Who is talking and what free text leads to, in-process through the real dispatcher.

The graduate is resolved once per update (bot.middlewares.WhoIsTalking); graduate-only buttons
from someone who has not signed up get one answer from the fallback; "有什么工作" shows the
current matches; 🎓 升学/参军 in the check-in asks when study ends (it once failed with a
missing locale key).
"""

from __future__ import annotations

import pytest
from journey import Journey, Person, texts

pytestmark = pytest.mark.integration
PERIOD = "2026-10"


async def register(person: Person, name: str, phone: str) -> None:
    """Sign up as one of the demo roster's graduates (汽车运用与维修, 隆回, 不限地区, 已就业)."""
    await person.send("/start")
    await person.tap("同意并开始登记")
    for answer in (name, phone):
        await person.send(answer)
    await person.tap("跳过")
    for answer in ("邵阳职业技术学院", "汽车运用与维修", "高职 2025", "隆回"):
        await person.send(answer)
    await person.tap("不限地区")
    await person.tap("已就业")
    assert "王书记" in texts(await person.tap("确认提交"))


async def test_graduate_commands_from_someone_not_signed_up_say_how_to_sign_up(
    demo: Journey,
) -> None:
    stranger = demo.person(60_001, "路人")
    for command in ("/jobs", "/profile"):
        reply = texts(await stranger.send(command))
        assert "还没有登记" in reply and "/start" in reply
    # Free text from a newcomer gets the menu with 开始登记, not a graduate's status buttons.
    reply = await stranger.send("你好")
    labels = [b["text"] for row in reply[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert any("登记" in label for label in labels)
    assert not any("失业了" in label for label in labels)


async def test_further_study_asks_when_it_ends_and_records_it(demo: Journey) -> None:
    graduate = demo.person(50_002, "张伟")
    await register(graduate, "张伟", "13800138001")
    await demo.yulu("checkin", "run", "--period", PERIOD)
    await demo.deliver()
    reply = texts(await graduate.tap("升学/参军"))
    assert "祝学业/服役顺利" in reply and "哪一年" in reply
    markup = (await graduate.bot_messages())[-1]["reply_markup"]
    years = [b["text"] for row in markup["inline_keyboard"] for b in row]
    done = texts(await graduate.tap(years[1]))
    assert "到时候我再来问候您" in done


async def test_asking_for_jobs_in_words_shows_the_matches(demo: Journey) -> None:
    graduate = demo.person(50_003, "王芳")
    await register(graduate, "王芳", "13800138002")  # 汽车运用与维修, 不限地区; demo postings
    await demo.load_nlu()
    reply = await graduate.send("有什么工作可以推荐吗")
    assert "岗位" in texts(reply)
    labels = [b["text"] for row in reply[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert any("感兴趣" in label for label in labels)


async def test_unsubscribing_in_other_words_cancels_what_is_queued(demo: Journey) -> None:
    from sqlalchemy import select

    from yulu.storage.models import OutboxMessage, OutboxStatus

    graduate = demo.person(50_004, "李小红")
    await register(graduate, "李小红", "13800138000")
    await demo.yulu("checkin", "run", "--period", PERIOD)  # queued, not delivered yet
    await demo.load_nlu()
    reply = texts(await graduate.send("以后不要再给我发这些消息了，谢谢"))
    if "对吗" in reply:  # a critical guess without confidence is confirmed first
        reply = texts(await graduate.tap("是的"))
    assert "退订" in reply or "不再" in reply
    async with demo.runtime.session_factory() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "checkin"))
        ).all()
    assert [row.status for row in rows] == [OutboxStatus.CANCELLED]
    await demo.deliver()
    assert await graduate.texts_with("就业情况小调查") == []

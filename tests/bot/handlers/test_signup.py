"""Sign-up through the real dispatcher and the sandbox, as a graduate on a phone does it.

Were tests/e2e/test_e2e_signup.py (a `yulu run` process per backend); every step and every
assertion is kept, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from journey import Journey, Person, texts

pytestmark = pytest.mark.integration
YEAR = date.today().year


async def sign_up(
    person: Person, *, name: str = "李小红", phone: str = "138 0013-8000"
) -> tuple[int, str]:
    """Walk the happy path; returns (messages and taps used, final reply text)."""
    steps = 0

    async def step(action: str, value: str) -> str:
        nonlocal steps
        steps += 1
        return texts(await getattr(person, action)(value))

    assert "同意" in await step("send", "/start")
    assert "姓名" in await step("tap", "同意并开始登记")
    assert "手机号" in await step("send", name)
    assert "身份证号" in await step("send", phone)
    assert "学校" in await step("tap", "跳过")
    assert "专业" in await step("send", "邵阳职业技术学院")
    assert "学历" in await step("send", "汽车运用与维修")
    assert "户籍地" in await step("tap", f"高职 {YEAR}届")
    reply = await step("send", "邵阳隆回")
    assert "湖南省邵阳市隆回县" in reply and "想在哪里工作" in reply
    reply = await step("send", "广东")
    assert "广东省" in reply and "现在的情况" in reply
    summary = await step("tap", "正在找工作")
    digits = "".join(c for c in phone if c.isdigit())
    masked = f"{digits[:3]}****{digits[-4:]}"
    assert "请核对" in summary and masked in summary and "湖南省邵阳市隆回县" in summary
    return steps, await step("tap", "确认提交")


async def test_welcome_has_buttons(demo: Journey) -> None:
    reply = await demo.person(10_001).send("/start")
    assert "雨露" in texts(reply)
    buttons = [b["text"] for row in reply[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert any("同意" in b for b in buttons)


async def test_happy_path_within_twelve_steps_and_verified(demo: Journey) -> None:
    person = demo.person(10_002)
    steps, done = await sign_up(person)
    assert steps <= 12
    assert "登记成功" in done
    assert "王书记" in done  # demo roster row matched by phone + name → verified, cadre assigned
    profile = texts(await person.send("/profile"))
    assert "李小红" in profile and "已核实" in profile and "138****8000" in profile


async def test_unmatched_signup_is_kept_unverified(demo: Journey) -> None:
    _, done = await sign_up(demo.person(10_003, "阿强"), name="陈阿强", phone="13912345678")
    assert "登记成功" in done and "核实" in done and "王书记" not in done


async def test_bad_inputs_are_reasked_specifically(demo: Journey) -> None:
    person = demo.person(10_004)
    await person.send("/start")
    await person.tap("同意并开始登记")
    assert "不要带数字" in texts(await person.send("abc123"))
    assert "文字" in texts(await person.send_media("sticker"))
    await person.send("李四")
    reply = texts(await person.send("12345"))
    assert "11 位" in reply and "手机号" in reply
    assert "文字" in texts(await person.send_media("photo"))
    await person.send("13800001111")
    assert "校验位" in texts(await person.send("430524200503120019"))  # last digit wrong
    assert "出生日期" in texts(await person.send("430524209913120018"))
    assert "18 位" in texts(await person.send("4305242005"))
    # A 5,000-character message: Telegram clients deliver it as 4,096 + 904 characters.
    assert "太长" in texts(await person.send("长" * 4096))
    assert "太长" in texts(await person.send("长" * 904))
    assert "文字" in texts(await person.send_media("voice"))
    await person.tap("跳过")
    await person.send("邵阳职院")
    await person.send("护理")
    assert "毕业年份" in texts(await person.send("中职 1990"))
    assert "没看出学历" in texts(await person.send("2020"))
    await person.send(f"中职 {YEAR - 1}")
    assert "具体到县" in texts(await person.send("湖南"))
    assert "没找到这个地方" in texts(await person.send("火星基地"))
    assert "湖南省邵阳市隆回县" in texts(await person.send("湖南省邵阳市隆回县"))
    reply = texts(await person.tap("不限地区"))
    assert "现在的情况" in reply
    assert "按钮" in texts(await person.send("我也不知道"))


async def test_change_a_field_from_the_summary_and_cancel(demo: Journey) -> None:
    person = demo.person(10_005)
    sign_up_until_summary = [
        ("send", "/start"),
        ("tap", "同意并开始登记"),
        ("send", "王小明"),
        ("send", "13700001111"),
        ("tap", "跳过"),
        ("send", "长沙职院"),
        ("send", "会计"),
        ("tap", f"中职 {YEAR}届"),
        ("send", "隆回"),
        ("tap", "不限地区"),
        ("tap", "正在找工作"),
    ]
    for kind, value in sign_up_until_summary:
        await getattr(person, kind)(value)
    assert "姓名" in texts(await person.tap("改姓名"))
    summary = texts(await person.send("王大明"))
    assert "王大明" in summary and "请核对" in summary
    await person.send("/cancel")
    assert "同意" in texts(await person.send("/start"))  # nothing was saved: a newcomer again


async def test_interrupted_signup_resumes(demo: Journey) -> None:
    person = demo.person(10_006)
    await person.send("/start")
    await person.tap("同意并开始登记")
    await person.send("赵小燕")
    reply = texts(await person.send("/start"))
    assert "继续上次的登记" in reply and "手机号" in reply

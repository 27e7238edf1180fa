"""Sign-up through the sandbox, as a graduate on a phone would do it."""

from __future__ import annotations

from datetime import date

import pytest
from e2e_harness import Chat, texts

pytestmark = pytest.mark.e2e
YEAR = date.today().year


def sign_up(chat: Chat, *, name: str = "李小红", phone: str = "138 0013-8000") -> tuple[int, str]:
    """Walk the happy path; returns (messages and taps used, final reply text)."""
    steps = 0

    def step(reply: list[dict]) -> str:
        nonlocal steps
        steps += 1
        return texts(reply)

    assert "同意" in step(chat.send("/start"))
    assert "姓名" in step(chat.tap("同意并开始登记"))
    assert "手机号" in step(chat.send(name))
    assert "身份证号" in step(chat.send(phone))
    assert "学校" in step(chat.tap("跳过"))
    assert "专业" in step(chat.send("邵阳职业技术学院"))
    assert "学历" in step(chat.send("汽车运用与维修"))
    assert "户籍地" in step(chat.tap(f"高职 {YEAR}届"))
    reply = step(chat.send("邵阳隆回"))
    assert "湖南省邵阳市隆回县" in reply and "想在哪里工作" in reply
    reply = step(chat.send("广东"))
    assert "广东省" in reply and "现在的情况" in reply
    summary = step(chat.tap("正在找工作"))
    digits = "".join(c for c in phone if c.isdigit())
    masked = f"{digits[:3]}****{digits[-4:]}"
    assert "请核对" in summary and masked in summary and "湖南省邵阳市隆回县" in summary
    return steps, step(chat.tap("确认提交"))


def test_welcome_has_buttons(new_chat) -> None:
    chat = new_chat()
    reply = chat.send("/start")
    assert "雨露" in texts(reply)
    buttons = [b["text"] for row in reply[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert any("同意" in b for b in buttons)


def test_happy_path_within_twelve_steps_and_verified(new_chat) -> None:
    chat = new_chat()
    steps, done = sign_up(chat)
    assert steps <= 12
    assert "登记成功" in done
    assert "王书记" in done  # demo roster row matched by phone + name → verified, cadre assigned
    profile = texts(chat.send("/profile"))
    assert "李小红" in profile and "已核实" in profile and "138****8000" in profile


def test_unmatched_signup_is_kept_unverified(new_chat) -> None:
    chat = new_chat("阿强")
    _, done = sign_up(chat, name="陈阿强", phone="13912345678")
    assert "登记成功" in done and "核实" in done and "王书记" not in done


def test_bad_inputs_are_reasked_specifically(new_chat) -> None:
    chat = new_chat()
    chat.send("/start")
    chat.tap("同意并开始登记")
    assert "不要带数字" in texts(chat.send("abc123"))
    assert "文字" in texts(chat.send_media("sticker"))
    chat.send("李四")
    reply = texts(chat.send("12345"))
    assert "11 位" in reply and "手机号" in reply
    assert "文字" in texts(chat.send_media("photo"))
    chat.send("13800001111")
    assert "校验位" in texts(chat.send("430524200503120019"))  # last digit wrong
    assert "出生日期" in texts(chat.send("430524209913120018"))
    assert "18 位" in texts(chat.send("4305242005"))
    # A 5,000-character message: Telegram clients deliver it as 4,096 + 904 characters.
    assert "太长" in texts(chat.send("长" * 4096))
    assert "太长" in texts(chat.send("长" * 904))
    assert "文字" in texts(chat.send_media("voice"))
    chat.tap("跳过")
    chat.send("邵阳职院")
    chat.send("护理")
    assert "毕业年份" in texts(chat.send("中职 1990"))
    assert "没看出学历" in texts(chat.send("2020"))
    chat.send(f"中职 {YEAR - 1}")
    assert "具体到县" in texts(chat.send("湖南"))
    assert "没找到这个地方" in texts(chat.send("火星基地"))
    assert "湖南省邵阳市隆回县" in texts(chat.send("湖南省邵阳市隆回县"))
    reply = texts(chat.tap("不限地区"))
    assert "现在的情况" in reply
    assert "按钮" in texts(chat.send("我也不知道"))


def test_change_a_field_from_the_summary_and_cancel(new_chat) -> None:
    chat = new_chat()
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
        getattr(chat, kind)(value)
    assert "姓名" in texts(chat.tap("改姓名"))
    summary = texts(chat.send("王大明"))
    assert "王大明" in summary and "请核对" in summary
    chat.send("/cancel")
    assert "同意" in texts(chat.send("/start"))  # nothing was saved: a newcomer again


def test_interrupted_signup_resumes(new_chat) -> None:
    chat = new_chat()
    chat.send("/start")
    chat.tap("同意并开始登记")
    chat.send("赵小燕")
    reply = texts(chat.send("/start"))
    assert "继续上次的登记" in reply and "手机号" in reply

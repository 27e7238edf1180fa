"""入学季 / 毕业季 through the sandbox: preview, run, status, answers, and the ledger export."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from e2e_harness import BotProcess, Chat, texts
from test_e2e_cadre_privacy import yulu
from test_e2e_checkin import wait_for

from yulu.services.campaigns import holiday_status

pytestmark = pytest.mark.e2e
TODAY = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
YEAR = TODAY.year
LONGHUI = "湖南省邵阳市隆回县"


def register(chat: Chat, name: str, phone: str) -> None:
    """Sign up as this year's graduate from 隆回 (verified when the roster has name + phone)."""
    chat.send("/start")
    chat.tap("同意并开始登记")
    chat.send(name)
    chat.send(phone)
    chat.tap("跳过")
    chat.send("邵阳职业技术学院")
    chat.send("汽车运用与维修")
    chat.send(f"高职 {YEAR}")
    chat.send("隆回")
    chat.tap("不限地区")
    chat.tap("正在找工作")
    assert "登记成功" in texts(chat.tap("确认提交"))


def campaign_messages(chat: Chat, marker: str) -> list[dict]:
    return [m for m in chat.bot_messages() if marker in (m["text"] or "")]


def status_once(bot: BotProcess, name: str, expected: str) -> str:
    """`yulu campaign status NAME` once it shows `expected` (the sender marks rows sent)."""

    def status() -> str | None:
        output = yulu(bot, "campaign", "status", name)
        return output if expected in output else None

    return wait_for(status, f"{name} status showing {expected}")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(
    bool(holiday_status(TODAY)),
    reason="a statutory holiday in China today: campaign messages wait by design",
)
def test_preview_run_status_for_both_built_in_campaigns_and_answers_in_the_ledger(
    start_bot: Callable[..., BotProcess], tmp_path: Path
) -> None:
    bot = start_bot("--demo")
    li = Chat(bot.url, 60_001, "小红")
    chen = Chat(bot.url, 60_002, "阿强")
    register(li, "李小红", "13800138000")  # on the demo roster: matched, reachable
    register(chen, "陈阿强", "13912345678")  # not on the roster

    listing = yulu(bot, "campaign", "list")
    assert "graduation\t毕业季\t是\t每年 04-01 至 07-31" in listing
    assert "enrollment\t入学季\t是\t每年 06-15 至 09-15" in listing

    # 毕业季: this year's class, both signed up in Telegram.
    preview = yulu(bot, "campaign", "preview", "graduation")
    assert f"{LONGHUI}\t2\t0" in preview
    assert "李小红，毕业季到了" in preview and "陈阿强，毕业季到了" in preview
    assert "示例 2" in preview and "想参加招聘会" in preview
    assert "新加入发送队列 2 条" in yulu(bot, "campaign", "run", "graduation")
    for chat in (li, chen):
        wait_for(lambda chat=chat: campaign_messages(chat, "毕业季到了"), "the 毕业季 message")
    assert "招聘会" in texts(li.tap("想参加招聘会"))
    assert "祝贺" in texts(chen.tap("已经找到工作"))
    assert "新加入发送队列 0 条" in yulu(bot, "campaign", "run", "graduation")
    status = status_once(bot, "graduation", "已发送 2")
    assert "失败 0" in status and "已回答 2" in status
    assert "想参加招聘会：1 人" in status and "已经找到工作：1 人" in status
    assert all(len(campaign_messages(chat, "毕业季到了")) == 1 for chat in (li, chen))

    # 入学季: the roster's new labour force; only 李小红 signed up, 张伟 and 王芳 are left to
    # the cadre.
    preview = yulu(bot, "campaign", "preview", "enrollment")
    assert f"{LONGHUI}\t1\t2" in preview and "需干部联系 2 人" in preview
    assert "李小红，您好！入学季到了" in preview
    assert "新加入发送队列 1 条" in yulu(bot, "campaign", "run", "enrollment")
    wait_for(lambda: campaign_messages(li, "入学季到了"), "the 入学季 message")
    assert "报读意向" in texts(li.tap("有意向报读"))
    assert campaign_messages(chen, "入学季到了") == []
    status = status_once(bot, "enrollment", "已发送 1")
    assert "已回答 1" in status and "有意向报读：1 人" in status

    # The ledger: answers with Chinese headers and masked phones; the cadres' contact list.
    yulu(bot, "export", "campaign", "graduation", str(tmp_path / "graduation.csv"))
    answers = {r["姓名"]: r for r in read_csv(tmp_path / "graduation.csv")}
    assert answers["李小红"]["回答"] == "🤝 想参加招聘会" and answers["李小红"]["年度"] == str(YEAR)
    assert answers["陈阿强"]["回答"] == "✅ 已经找到工作"
    assert (
        answers["李小红"]["手机号"] == "138****8000" and answers["李小红"]["帮扶干部"] == "王书记"
    )
    yulu(bot, "export", "campaign", "enrollment", str(tmp_path / "enrollment.csv"))
    [enrolled] = read_csv(tmp_path / "enrollment.csv")
    assert enrolled["姓名"] == "李小红" and enrolled["回答代码"] == "enrol"
    assert enrolled["家庭类型"] == "脱贫家庭"
    yulu(bot, "export", "campaign", "enrollment", str(tmp_path / "contacts.csv"), "--unreachable")
    contacts = read_csv(tmp_path / "contacts.csv")
    assert sorted(r["姓名"] for r in contacts) == ["张伟", "王芳"]
    assert {r["原因"] for r in contacts} == {"未在 Telegram 登记"}

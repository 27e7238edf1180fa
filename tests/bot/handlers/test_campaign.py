"""入学季 / 毕业季 in-process: preview, run, status, answers, and the ledger export.

Was tests/e2e/test_e2e_campaigns.py (a `yulu run --demo` process, `yulu campaign …`
subprocesses); the same steps and assertions through the real dispatcher and CLI.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from journey import Journey, Person, texts

from yulu.services.campaigns import holiday_status

pytestmark = pytest.mark.integration
TODAY = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
YEAR = TODAY.year
LONGHUI = "湖南省邵阳市隆回县"


async def register(person: Person, name: str, phone: str) -> None:
    """Sign up as this year's graduate from 隆回 (verified when the roster has name + phone)."""
    await person.send("/start")
    await person.tap("同意并开始登记")
    await person.send(name)
    await person.send(phone)
    await person.tap("跳过")
    await person.send("邵阳职业技术学院")
    await person.send("汽车运用与维修")
    await person.send(f"高职 {YEAR}")
    await person.send("隆回")
    await person.tap("不限地区")
    await person.tap("正在找工作")
    assert "登记成功" in texts(await person.tap("确认提交"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(
    bool(holiday_status(TODAY)),
    reason="a statutory holiday in China today: campaign messages wait by design",
)
async def test_preview_run_status_for_both_built_in_campaigns_and_answers_in_the_ledger(
    demo: Journey, tmp_path: Path
) -> None:
    li = demo.person(60_001, "小红")
    chen = demo.person(60_002, "阿强")
    await register(li, "李小红", "13800138000")  # on the demo roster: matched, reachable
    await register(chen, "陈阿强", "13912345678")  # not on the roster

    listing = await demo.yulu("campaign", "list")
    assert "graduation\t毕业季\t是\t每年 04-01 至 07-31" in listing
    assert "enrollment\t入学季\t是\t每年 06-15 至 09-15" in listing

    # 毕业季: this year's class, both signed up in Telegram.
    preview = await demo.yulu("campaign", "preview", "graduation")
    assert f"{LONGHUI}\t2\t0" in preview
    assert "李小红，毕业季到了" in preview and "陈阿强，毕业季到了" in preview
    assert "示例 2" in preview and "想参加招聘会" in preview
    assert "新加入发送队列 2 条" in await demo.yulu("campaign", "run", "graduation")
    await demo.deliver()
    for person in (li, chen):
        assert await person.texts_with("毕业季到了"), f"the 毕业季 message to {person.first_name}"
    assert "招聘会" in texts(await li.tap("想参加招聘会"))
    assert "祝贺" in texts(await chen.tap("已经找到工作"))
    assert "新加入发送队列 0 条" in await demo.yulu("campaign", "run", "graduation")
    status = await demo.yulu("campaign", "status", "graduation")
    assert "已发送 2" in status and "失败 0" in status and "已回答 2" in status
    assert "想参加招聘会：1 人" in status and "已经找到工作：1 人" in status
    await demo.deliver()
    assert [len(await p.texts_with("毕业季到了")) for p in (li, chen)] == [1, 1]

    # 入学季: the roster's new labour force; only 李小红 signed up, 张伟 and 王芳 are left to
    # the cadre.
    preview = await demo.yulu("campaign", "preview", "enrollment")
    assert f"{LONGHUI}\t1\t2" in preview and "需干部联系 2 人" in preview
    assert "李小红，您好！入学季到了" in preview
    assert "新加入发送队列 1 条" in await demo.yulu("campaign", "run", "enrollment")
    await demo.deliver()
    assert await li.texts_with("入学季到了"), "the 入学季 message"
    assert "报读意向" in texts(await li.tap("有意向报读"))
    assert await chen.texts_with("入学季到了") == []
    status = await demo.yulu("campaign", "status", "enrollment")
    assert "已发送 1" in status and "已回答 1" in status and "有意向报读：1 人" in status

    # The ledger: answers with Chinese headers and masked phones; the cadres' contact list.
    await demo.yulu("export", "campaign", "graduation", str(tmp_path / "graduation.csv"))
    answers = {r["姓名"]: r for r in read_csv(tmp_path / "graduation.csv")}
    assert answers["李小红"]["回答"] == "🤝 想参加招聘会" and answers["李小红"]["年度"] == str(YEAR)
    assert answers["陈阿强"]["回答"] == "✅ 已经找到工作"
    assert (
        answers["李小红"]["手机号"] == "138****8000" and answers["李小红"]["帮扶干部"] == "王书记"
    )
    await demo.yulu("export", "campaign", "enrollment", str(tmp_path / "enrollment.csv"))
    [enrolled] = read_csv(tmp_path / "enrollment.csv")
    assert enrolled["姓名"] == "李小红" and enrolled["回答代码"] == "enrol"
    assert enrolled["家庭类型"] == "脱贫家庭"
    await demo.yulu(
        "export", "campaign", "enrollment", str(tmp_path / "contacts.csv"), "--unreachable"
    )
    contacts = read_csv(tmp_path / "contacts.csv")
    assert sorted(r["姓名"] for r in contacts) == ["张伟", "王芳"]
    assert {r["原因"] for r in contacts} == {"未在 Telegram 登记"}

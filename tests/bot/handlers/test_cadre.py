"""Cadres enrol only by invite; personal data never lies in the database in plaintext.

Were tests/e2e/test_e2e_cadre_privacy.py (a `yulu run` process, `yulu` CLI subprocesses);
the same steps through the real dispatcher, with the real CLI in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from journey import Journey, texts
from test_signup import sign_up

pytestmark = pytest.mark.integration


def invite_code(output: str) -> str:
    return output.split("邀请码：", 1)[1].split("（", 1)[0].strip()


async def test_code_binds_one_cadre_once_and_strangers_stay_out(demo: Journey) -> None:
    await demo.yulu(
        "cadre", "add", "--name", "李干部", "--phone", "13911112222", "--region", "邵阳隆回"
    )
    output = await demo.yulu("cadre", "invite", "13911112222")
    code = invite_code(output)
    assert f"?start={code}" in output
    stranger = demo.person(31_001, "路人")
    assert "仅限" in texts(await stranger.send("/mygraduates"))
    cadre = demo.person(31_002, "李干部")
    assert "绑定成功" in texts(await cadre.send(f"/start {code}"))
    assert "帮扶对象" in texts(await cadre.send("/mygraduates"))
    assert "无效" in texts(await stranger.send(f"/start {code}"))  # single use
    assert "仅限" in texts(await stranger.send("/mygraduates"))


async def test_wrong_codes_are_rate_limited(demo: Journey) -> None:
    guesser = demo.person(31_003, "猜码的人")
    for attempt in range(5):
        assert "无效" in texts(await guesser.send(f"/start WRONG{attempt}"))
    assert "次数过多" in texts(await guesser.send("/start WRONG9"))


@pytest.mark.parametrize("backend", ["sqlite"])  # the file grep applies to the SQLite store
async def test_database_holds_no_plaintext_phone_or_id(demo: Journey, tmp_path: Path) -> None:
    person = demo.person(31_004, "周小兰")
    await person.send("/start")
    await person.tap("同意并开始登记")
    await person.send("周小兰")
    await person.send("137 6655 4433")
    await person.send("430524200503120018")  # a valid ID (demo roster's 李小红)
    for answer in ("邵阳职院", "护理"):
        await person.send(answer)
    await person.send("技工 2025")
    await person.send("隆回")
    await person.tap("不限地区")
    await person.tap("已就业")
    assert "登记成功" in texts(await person.tap("确认提交"))
    await sign_up(demo.person(31_005, "小白"), name="白小飞", phone="13544332211")
    await demo.runtime.engine.dispose()  # close the connections: everything is in the files
    folder = Path(demo.runtime.settings.database_url.removeprefix("sqlite:///")).parent
    blob = b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("yulu.db"))
    for secret in ("13766554433", "430524200503120018", "13544332211", "13800138000"):
        assert secret.encode() not in blob
        assert secret.encode("utf-16-le") not in blob
    assert "周小兰".encode() in blob  # the grep itself works: names are stored in the clear

"""Cadres enrol only by invite; personal data never lies in the database in plaintext."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_harness import BotProcess, Chat, texts
from test_e2e_signup import sign_up

pytestmark = pytest.mark.e2e


def yulu(bot: BotProcess, *args: str) -> str:
    env = {**os.environ, **bot.env}
    result = subprocess.run(
        [sys.executable, "-m", "yulu", *args],
        env=env,
        cwd=bot.workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def invite_code(output: str) -> str:
    return output.split("邀请码：", 1)[1].split("（", 1)[0].strip()


def test_code_binds_one_cadre_once_and_strangers_stay_out(bot: BotProcess) -> None:
    yulu(bot, "cadre", "add", "--name", "李干部", "--phone", "13911112222", "--region", "邵阳隆回")
    output = yulu(bot, "cadre", "invite", "13911112222")
    code = invite_code(output)
    assert f"?start={code}" in output
    stranger = Chat(bot.url, 31_001, "路人")
    assert "仅限" in texts(stranger.send("/mygraduates"))
    cadre = Chat(bot.url, 31_002, "李干部")
    assert "绑定成功" in texts(cadre.send(f"/start {code}"))
    assert "帮扶对象" in texts(cadre.send("/mygraduates"))
    assert "无效" in texts(stranger.send(f"/start {code}"))  # single use
    assert "仅限" in texts(stranger.send("/mygraduates"))


def test_wrong_codes_are_rate_limited(bot: BotProcess) -> None:
    guesser = Chat(bot.url, 31_003, "猜码的人")
    for attempt in range(5):
        assert "无效" in texts(guesser.send(f"/start WRONG{attempt}"))
    assert "次数过多" in texts(guesser.send("/start WRONG9"))


def test_database_holds_no_plaintext_phone_or_id(bot: BotProcess, tmp_path: Path) -> None:
    if not bot.database_url.startswith("sqlite"):
        pytest.skip("the file grep applies to the SQLite store")
    chat = Chat(bot.url, 31_004, "周小兰")
    chat.send("/start")
    chat.tap("同意并开始登记")
    chat.send("周小兰")
    chat.send("137 6655 4433")
    chat.send("430524200503120018")  # a valid ID (demo roster's 李小红)
    for answer in ("邵阳职院", "护理"):
        chat.send(answer)
    chat.send("技工 2025")
    chat.send("隆回")
    chat.tap("不限地区")
    chat.tap("已就业")
    assert "登记成功" in texts(chat.tap("确认提交"))
    sign_up(Chat(bot.url, 31_005, "小白"), name="白小飞", phone="13544332211")
    folder = Path(bot.database_url.removeprefix("sqlite:///")).parent
    blob = b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("yulu.db"))
    for secret in ("13766554433", "430524200503120018", "13544332211", "13800138000"):
        assert secret.encode() not in blob
        assert secret.encode("utf-16-le") not in blob
    assert "周小兰".encode() in blob  # the grep itself works: names are stored in the clear

"""Control API, the page, the standalone command, and the token staying out of the logs."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from sandbox_helpers import TOKEN, Control, watch_waiters
from waiting import eventually

from yulu.sandbox import BotApiSandbox, Identity

ROOT = Path(__file__).resolve().parents[2]


async def test_page_is_served_with_the_elements_tests_rely_on(http: aiohttp.ClientSession) -> None:
    async with http.get("/") as response:
        assert response.status == 200 and response.content_type == "text/html"
        page = await response.text()
    for element_id in ("text-input", "send-btn", "identity-select", "demo-btn"):
        assert f'id="{element_id}"' in page
    assert "http://" not in page and "https://" not in page  # no CDN


async def test_default_identities(control: Control) -> None:
    identities = await control.request("GET", "/identities")
    assert identities == [
        {"user_id": 1001, "first_name": "小李", "role_label": "毕业生"},
        {"user_id": 2001, "first_name": "王书记", "role_label": "帮扶干部"},
    ]


async def test_wait_returns_when_the_bot_replies(
    bot: Bot, control: Control, sandbox: BotApiSandbox
) -> None:
    posted = await control.say(1001, "/start")
    waiting = watch_waiters(sandbox.state.chats_changed)

    async def reply_once_waited() -> None:
        await asyncio.wait_for(waiting.wait(), 30)  # the page's long poll is in progress
        await bot.send_message(1001, "欢迎使用雨露")

    task = asyncio.create_task(reply_once_waited())
    chat = await control.request(
        "GET", "/users/1001/wait", params={"after": posted["message_id"], "timeout": 60}
    )
    await task
    assert chat["timed_out"] is False  # woken by the reply, not by its 60 s timeout
    assert [(m["from"], m["text"]) for m in chat["messages"]] == [("bot", "欢迎使用雨露")]


async def test_wait_times_out_without_a_reply(control: Control) -> None:
    posted = await control.say(1001, "在吗")
    chat = await control.request(
        "GET", "/users/1001/wait", params={"after": posted["message_id"], "timeout": 0.3}
    )
    assert chat["timed_out"] is True and chat["messages"] == []


async def test_chat_lists_both_directions_in_order(bot: Bot, control: Control) -> None:
    await control.say(3001, "我失业了")
    await bot.send_message(3001, "已通知你的帮扶干部")
    chat = await control.chat(3001)
    assert chat["user"]["first_name"] == "用户3001"
    assert [(m["from"], m["text"]) for m in chat["messages"]] == [
        ("user", "我失业了"),
        ("bot", "已通知你的帮扶干部"),
    ]
    assert [m["message_id"] for m in (await control.chat(3001, after=1))["messages"]] == [2]


async def test_bad_control_requests_are_rejected(http: aiohttp.ClientSession) -> None:
    async with http.post("/sandbox/api/users/1001/messages", json={}) as response:
        assert response.status == 400 and "error" in await response.json()
    async with http.post("/sandbox/api/users/abc/messages", json={"text": "x"}) as response:
        assert response.status == 400
    async with http.post("/sandbox/api/faults", json={"status": 200}) as response:
        assert response.status == 400


async def test_demo_without_a_loader_is_404(http: aiohttp.ClientSession) -> None:
    async with http.post("/sandbox/api/demo") as response:
        assert response.status == 404


async def test_demo_calls_the_loader() -> None:
    async def load() -> str:
        return "已加载演示数据：1 名干部，3 名毕业生"

    server = BotApiSandbox(
        port=0, on_demo=load, identities=[Identity(7, "测试", "毕业生")], bot_username="demo_bot"
    )
    await server.start()
    try:
        async with aiohttp.ClientSession(base_url=server.url) as http:
            async with http.post("/sandbox/api/demo") as response:
                assert await response.json() == {"message": "已加载演示数据：1 名干部，3 名毕业生"}
            async with http.get("/sandbox/api/identities") as response:
                assert [i["user_id"] for i in await response.json()] == [7]
            async with http.get(f"/bot{TOKEN}/getMe") as response:
                assert (await response.json())["result"]["username"] == "demo_bot"
    finally:
        await server.stop()


async def test_token_never_reaches_the_log(
    bot: Bot, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # the yulu CLI quiets this logger to WARNING, and journeys run the CLI in this process
    caplog.set_level(logging.DEBUG, logger="sandbox.access")
    await bot.get_me()
    await bot.send_message(1001, "x")
    await bot.get_updates(timeout=0)

    async def logged() -> bool:  # the access log is written once the response has gone
        return "/bot<token>/getUpdates" in caplog.text

    await eventually(logged, what="the access log line", timeout=30)
    assert "/bot<token>/sendMessage" in caplog.text
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


def _ignore_sigint() -> None:
    """What a shell does to a background job (`python -m yulu.sandbox &`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_python_m_sandbox_serves_until_interrupted(signum: signal.Signals) -> None:
    """It serves until Ctrl-C or a process manager's stop, and is gone within 3 s of either,
    even started as a background job (SIGINT ignored)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "yulu.sandbox", "--port", "0", "--limits"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=_ignore_sigint,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r"http://\S+", line).group(0)  # type: ignore[union-attr]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        asyncio.run(_check_running(url))
        process.send_signal(signum)
        assert process.wait(timeout=3) == 0
    finally:
        if process.poll() is None:  # never leave it running, whatever failed above
            process.kill()
            process.wait()


async def _check_running(url: str) -> None:
    async with aiohttp.ClientSession(base_url=url) as http:
        async with http.get(f"/bot{TOKEN}/getMe") as response:
            assert (await response.json())["ok"] is True
        async with http.get("/sandbox/api/limits") as response:
            assert (await response.json())["enabled"] is True

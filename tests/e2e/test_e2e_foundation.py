"""The foundation as a newcomer meets it: one command serves a chat page; tokens; restarts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_harness import BotProcess, Chat, free_port, http_json, run_sandbox, texts

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def standalone_sandbox(tmp_path: Path) -> Iterator[str]:
    """A Telegram-compatible Bot API server that is not part of the bot process."""
    yield from run_sandbox(tmp_path)


def test_fresh_sqlite_served_within_15s_and_browser_gets_welcome(
    tmp_path: Path, nlu_model_dir: Path
) -> None:
    """README command 1 on a new SQLite file: chat page up fast; /start typed in the page at
    once is answered as soon as the bot behind it has loaded."""
    database = tmp_path / "new" / "yulu.db"
    env = {"YULU_DATABASE_URL": f"sqlite:///{database}", "YULU_NLU_MODEL_DIR": str(nlu_model_dir)}
    started = time.monotonic()
    bot = BotProcess(workdir=tmp_path, env=env)
    bot.launch()
    try:
        bot.wait_page()
        served_after = time.monotonic() - started
        assert served_after < 15, f"chat page served after {served_after:.1f}s"
        assert database.exists()
        assert (database.parent / "yulu.key").exists()  # development key made beside the data
        if CHROMIUM is None or CHROMEDRIVER is None:
            pytest.skip("chromium/chromedriver not installed (.ci/run installs them)")
        _browser_start(bot.url, tmp_path)
    finally:
        bot.stop()


def _browser_start(url: str, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'chrome'}",
        "--window-size=420,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    try:
        driver.get(url + "/")
        box = WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "text-input"))
        box.send_keys("/start")
        driver.find_element(By.ID, "send-btn").click()
        WebDriverWait(driver, 60).until(
            lambda d: any("雨露" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".msg.bot"))
        )
        buttons = WebDriverWait(driver, 10).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".inline-btn")
        )
        assert any("同意" in b.text for b in buttons)
        driver.save_screenshot(str(tmp_path / "welcome.png"))
        next(b for b in buttons if "同意" in b.text).click()
        WebDriverWait(driver, 20).until(
            lambda d: any("姓名" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".msg.bot"))
        )
    finally:
        driver.quit()


TRANSPORT_ONLY = pytest.mark.parametrize("backend", ["sqlite"])  # the store plays no part here


@TRANSPORT_ONLY
def test_real_token_polls_any_compatible_server(
    start_bot: Callable[..., BotProcess], standalone_sandbox: str
) -> None:
    start_bot(
        extra_env={
            "YULU_TELEGRAM_TOKEN": "123456:ABC",
            "YULU_TELEGRAM_API_BASE": standalone_sandbox,
        }
    )
    reply = Chat(standalone_sandbox, 777).send("/start")
    assert "雨露" in texts(reply) and reply[-1]["reply_markup"]["inline_keyboard"]


def test_conversation_survives_kill_and_restart(start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot()
    chat = Chat(bot.url, 4242)
    chat.send("/start")
    chat.tap("同意并开始登记")
    assert "手机号" in texts(chat.send("刘小梅"))
    bot.kill()
    bot.start()  # same port, same database: the page's chat history is gone, the state is not
    chat = Chat(bot.url, 4242)
    reply = texts(chat.send("13600001234"))
    assert "身份证号" in reply


@TRANSPORT_ONLY
def test_webhook_mode_checks_the_secret(
    start_bot: Callable[..., BotProcess], standalone_sandbox: str
) -> None:
    port = free_port()
    start_bot(
        extra_env={
            "YULU_TELEGRAM_TOKEN": "123456:ABC",
            "YULU_TELEGRAM_API_BASE": standalone_sandbox,
            "YULU_TELEGRAM_MODE": "webhook",
            "YULU_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "YULU_TELEGRAM_WEBHOOK_PORT": str(port),
            "YULU_TELEGRAM_WEBHOOK_SECRET": "s3cret-token",
        },
        wait="webhook",
    )
    reply = Chat(standalone_sandbox, 778).send("/start")  # pushed by the server with the secret
    assert "雨露" in texts(reply)
    forged = {
        "update_id": 99,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/start",
            "chat": {"id": 779, "type": "private"},
        },
    }
    with pytest.raises(urllib.error.HTTPError) as refused:
        http_json(f"http://127.0.0.1:{port}/telegram/webhook", forged)
    assert refused.value.code == 401


def test_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "YULU_ENV": "production",
        "YULU_DATABASE_URL": f"sqlite:///{tmp_path}/y.db",
    }
    env.pop("YULU_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "yulu", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "YULU_SECRET_KEY" in result.stderr

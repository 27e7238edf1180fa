"""A person in a real headless browser chats with a bot driven through the Bot API."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiogram import Bot
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from yulu.sandbox import BotApiSandbox

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = Path("/tmp/sandbox.png")
T = TypeVar("T")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="chromium/chromedriver not installed (apt-get install chromium chromium-driver)",
    ),
]


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking Selenium call without stalling the sandbox's event loop."""
    return await asyncio.to_thread(function, *args)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=420,860", "--lang=zh-CN"):  # fmt: skip
        options.add_argument(flag)
    driver = await off_loop(webdriver.Chrome, options, Service(CHROMEDRIVER))
    yield driver
    await off_loop(driver.quit)


async def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return await off_loop(WebDriverWait(driver, timeout).until, condition)


def texts(selector: str) -> Callable[[Any], list[str]]:
    """Read the texts of matching elements in one script call (re-renders can't go stale)."""
    script = "return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText);"
    return lambda driver: driver.execute_script(script, selector)


async def test_chat_in_the_page(browser: Any, sandbox: BotApiSandbox, bot: Bot) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    await off_loop(browser.get, sandbox.url + "/")
    field = await wait_for(browser, lambda d: d.find_element(By.ID, "text-input"))
    await off_loop(field.send_keys, "我想找工作", Keys.ENTER)
    await wait_for(browser, lambda d: "我想找工作" in texts(".msg.user .text")(d))

    [update] = await bot.get_updates(timeout=5)
    assert update.message.text == "我想找工作" and update.message.from_user.id == 1001
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="看看岗位", callback_data="jobs:list")]]
    )
    sent = await bot.send_message(
        1001, "好的！<b>本周有 3 个岗位</b>适合你。", parse_mode="HTML", reply_markup=keyboard
    )
    await wait_for(browser, lambda d: "好的！本周有 3 个岗位适合你。" in texts(".msg.bot .text")(d))
    await off_loop(browser.save_screenshot, str(SCREENSHOT))

    button = await off_loop(browser.find_element, By.CSS_SELECTOR, ".inline-btn")
    await off_loop(button.click)
    [press] = await bot.get_updates(offset=update.update_id + 1, timeout=5)
    assert press.callback_query.data == "jobs:list"
    await bot.answer_callback_query(press.callback_query.id, text="正在加载岗位…")
    await wait_for(browser, lambda d: "正在加载岗位…" in texts(".toast")(d))

    await bot.edit_message_text(
        "岗位：中国铁路 · 乘务员（实习）", chat_id=1001, message_id=sent.message_id
    )
    await wait_for(
        browser, lambda d: texts(".msg.bot .text")(d) == ["岗位：中国铁路 · 乘务员（实习）"]
    )
    assert await off_loop(lambda: browser.find_elements(By.CSS_SELECTOR, ".inline-btn")) == []


async def test_cadre_identity_and_reply_keyboard(
    browser: Any, sandbox: BotApiSandbox, bot: Bot
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    await off_loop(browser.get, sandbox.url + "/")
    select = await wait_for(browser, lambda d: d.find_element(By.ID, "identity-select"))
    await off_loop(Select(select).select_by_value, "2001")
    await bot.send_message(
        2001,
        "新的帮扶案件：小李 失业",
        reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="我的名单")]]),
    )
    await wait_for(browser, lambda d: texts(".msg.bot .text")(d) == ["新的帮扶案件：小李 失业"])
    button = await off_loop(browser.find_element, By.CSS_SELECTOR, ".reply-btn")
    await off_loop(button.click)
    [update] = await bot.get_updates(timeout=5)
    assert (update.message.from_user.id, update.message.text) == (2001, "我的名单")
    assert update.message.from_user.first_name == "王书记"


async def test_a_refused_message_says_why_in_chinese_and_keeps_the_text(
    browser: Any, sandbox: BotApiSandbox, bot: Bot
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    await off_loop(browser.get, sandbox.url + "/")
    field = await wait_for(browser, lambda d: d.find_element(By.ID, "text-input"))
    too_long = "长" * 4097  # Telegram refuses messages over 4096 characters
    await off_loop(browser.execute_script, "arguments[0].value = arguments[1];", field, too_long)
    await off_loop(field.send_keys, Keys.ENTER)
    await wait_for(browser, lambda d: any("消息太长了" in t for t in texts(".toast")(d)))
    assert await off_loop(lambda: field.get_attribute("value")) == too_long
    assert texts(".msg.user .text")(browser) == []
    assert await bot.get_updates(timeout=0) == []

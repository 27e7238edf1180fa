"""Injected faults and flood control surface as the errors aiogram raises for real Telegram."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter, TelegramServerError
from sandbox_helpers import Control

from yulu.sandbox.limits import Limits, RateLimiter


async def add_fault(control: Control, **rule: object) -> None:
    await control.request("POST", "/faults", json=rule)


async def test_429_fault_carries_retry_after_and_runs_out(bot: Bot, control: Control) -> None:
    await add_fault(control, method="sendMessage", status=429, retry_after=2, count=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(1001, "通知")
        assert caught.value.retry_after == 2
    assert (await bot.send_message(1001, "通知")).text == "通知"
    stats = await control.stats()
    assert stats["429s"] == 2 and stats["errors_by_status"] == {"429": 2}
    assert [s["text"] for s in stats["sent"]] == ["通知"]


async def test_403_and_5xx_faults(bot: Bot, control: Control) -> None:
    await add_fault(control, method="sendMessage", status=403)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "x")
    for status in (500, 502):
        await add_fault(control, method="sendMessage", status=status)
        with pytest.raises(TelegramServerError):
            await bot.send_message(1001, "x")
    assert (await control.stats())["errors_by_status"] == {"403": 1, "500": 1, "502": 1}


async def test_fault_for_one_chat_spares_the_others(bot: Bot, control: Control) -> None:
    await add_fault(control, method="sendMessage", status=403, chat_id=2001, count=5)
    assert (await bot.send_message(1001, "ok")).text == "ok"
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(2001, "x")
    faults = await control.request("GET", "/faults")
    assert faults["faults"][0]["count"] == 4
    await control.request("DELETE", "/faults")
    assert (await bot.send_message(2001, "ok")).text == "ok"


async def test_slow_reply(bot: Bot, control: Control) -> None:
    await add_fault(control, method="getMe", delay=0.5)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.5


async def test_per_chat_limit_gives_429_within_one_second(bot: Bot, control: Control) -> None:
    await control.request("POST", "/limits", json={"enabled": True})
    await bot.send_message(1001, "第一条")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1001, "第二条")
    assert caught.value.retry_after >= 1
    await bot.send_message(2001, "另一个聊天")  # other chats are unaffected
    stats = await control.stats()
    assert stats["429s"] == 1 and stats["limited"] == 1
    assert [s["text"] for s in stats["sent"]] == ["第一条", "另一个聊天"]


def test_a_chat_may_write_again_once_its_second_is_over() -> None:
    """The per-chat window on the sandbox's clock, not the test's: no waiting needed."""
    limiter = RateLimiter(Limits(enabled=True))
    assert limiter.check(bot_id="1", chat_id=1001, now=100.0) is None
    assert limiter.check(bot_id="1", chat_id=1001, now=100.5) == 1  # retry_after
    assert limiter.check(bot_id="1", chat_id=2001, now=100.5) is None
    assert limiter.check(bot_id="1", chat_id=1001, now=101.0) is None  # a second later


async def test_per_token_limit_caps_a_burst(bot: Bot, control: Control) -> None:
    await control.request("POST", "/limits", json={"enabled": True, "per_second": 30})
    for user_id in range(5000, 5040):
        await control.say(user_id, "/start")
    results = await asyncio.gather(
        *(bot.send_message(user_id, "欢迎") for user_id in range(5000, 5040)),
        return_exceptions=True,
    )
    refused = sum(isinstance(r, TelegramRetryAfter) for r in results)
    stats = await control.stats()
    assert refused >= 1 and len(stats["sent"]) == 40 - refused
    assert stats["limited"] == refused
    moments = [s["mono"] for s in stats["sent"]]
    assert max(sum(1 for m in moments if t <= m < t + 1) for t in moments) <= 30


async def test_sent_records_support_rate_and_duplicate_checks(bot: Bot, control: Control) -> None:
    for user_id in (1001, 2001):
        await bot.send_message(user_id, f"hello {user_id}")
    sent = (await control.stats())["sent"]
    assert {(s["chat_id"], s["message_id"]) for s in sent} == {(1001, 1), (2001, 1)}
    assert sent[0]["mono"] <= sent[1]["mono"] and sent[0]["t"] > 1_600_000_000
    counts = (await control.stats())["count_by_method"]
    assert counts == {"sendMessage": 2}

"""The sandbox speaks the Bot API the way aiogram expects Telegram to."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sandbox_helpers import TOKEN, Control, watch_waiters

from yulu.sandbox import BotApiSandbox

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="同意", callback_data="consent:yes")]]
)


async def test_get_me_reports_the_sandbox_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "yulu_sandbox_bot" and me.id == 123456


async def test_user_message_arrives_once_with_offset_semantics(bot: Bot, control: Control) -> None:
    await control.say(1001, "/start")
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first] == ["/start"]
    assert first[0].message.from_user.first_name == "小李"
    assert first[0].message.entities[0].type == "bot_command"
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [first[0].update_id]  # not confirmed yet
    assert await bot.get_updates(offset=first[0].update_id + 1, timeout=0) == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    bot: Bot, control: Control, sandbox: BotApiSandbox
) -> None:
    waiting = watch_waiters(sandbox.state.updates.changed)
    poll = asyncio.create_task(bot.get_updates(timeout=60))
    await asyncio.wait_for(waiting.wait(), 30)  # the poll is waiting for an update
    started = time.monotonic()
    await control.say(1001, "你好")
    updates = await poll
    assert [u.message.text for u in updates] == ["你好"]
    assert time.monotonic() - started < 30  # woken by the update, not by its 60 s timeout


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 30  # waited its second, then returned


async def test_limit_and_allowed_updates(bot: Bot, control: Control) -> None:
    for text in ("一", "二", "三"):
        await control.say(1001, text)
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["一", "二"]
    updates = await bot.get_updates(allowed_updates=["callback_query"], offset=-1)
    assert [u.message.text for u in updates] == ["三"]  # created before the filter: still here
    await control.say(1001, "filtered out")
    assert await bot.get_updates(offset=updates[0].update_id + 1) == []


async def test_inline_keyboard_callback_and_toast(bot: Bot, control: Control) -> None:
    sent = await bot.send_message(1001, "请确认", reply_markup=KEYBOARD)
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "consent:yes"
    await control.press(1001, sent.message_id, "consent:yes")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query.data == "consent:yes" and query.message.message_id == sent.message_id
    assert query.from_user.id == 1001
    await bot.answer_callback_query(query.id, text="已记录", show_alert=True)
    chat = await control.chat(1001)
    assert chat["toasts"][-1]["text"] == "已记录" and chat["toasts"][-1]["show_alert"] is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)


async def test_pressing_a_button_that_is_not_there_is_refused(
    bot: Bot, http: aiohttp.ClientSession
) -> None:
    sent = await bot.send_message(1001, "请确认", reply_markup=KEYBOARD)
    body = {"message_id": sent.message_id, "data": "forged"}
    async with http.post("/sandbox/api/users/1001/callback", json=body) as response:
        assert response.status == 400


async def test_edit_replaces_text_in_place_and_drops_the_keyboard(
    bot: Bot, control: Control
) -> None:
    sent = await bot.send_message(1001, "请确认", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("已确认 ✅", chat_id=1001, message_id=sent.message_id)
    assert edited.edit_date is not None and edited.reply_markup is None
    [message] = [m for m in (await control.chat(1001))["messages"] if m["from"] == "bot"]
    assert (message["text"], message["edited"], message["reply_markup"]) == (
        "已确认 ✅",
        True,
        None,
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("已确认 ✅", chat_id=1001, message_id=sent.message_id)


async def test_edit_reply_markup_and_delete(bot: Bot, control: Control) -> None:
    sent = await bot.send_message(1001, "请确认")
    await bot.edit_message_reply_markup(
        chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert (await control.chat(1001))["messages"][-1]["reply_markup"]["inline_keyboard"]
    assert await bot.delete_message(1001, sent.message_id)
    assert (await control.chat(1001))["messages"] == []
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=sent.message_id)


async def test_user_messages_cannot_be_edited(bot: Bot, control: Control) -> None:
    posted = await control.say(1001, "hi")
    with pytest.raises(TelegramBadRequest, match="can't be edited"):
        await bot.edit_message_text("x", chat_id=1001, message_id=posted["message_id"])


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hello")


async def test_html_is_validated_and_stripped(bot: Bot, control: Control) -> None:
    sent = await bot.send_message(1001, "<b>王书记</b> &lt;提醒&gt;", parse_mode="HTML")
    assert sent.text == "王书记 <提醒>"
    message = (await control.chat(1001))["messages"][-1]
    assert message["raw_text"] == "<b>王书记</b> &lt;提醒&gt;" and message["parse_mode"] == "HTML"
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1001, "姓名 <张三>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1001, "<b>unclosed", parse_mode="HTML")


async def test_empty_and_oversized_texts_and_callback_data(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, " ")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "长" * 4097)
    too_long = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "x", reply_markup=too_long)


async def test_reply_keyboard_shown_and_removed(bot: Bot, control: Control) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="中职"), KeyboardButton(text="高职")]], resize_keyboard=True
    )
    await bot.send_message(1001, "学历？", reply_markup=keyboard)
    rows = (await control.chat(1001))["reply_keyboard"]["keyboard"]
    assert [b["text"] for b in rows[0]] == ["中职", "高职"]
    await bot.send_message(1001, "好的", reply_markup=ReplyKeyboardRemove())
    assert (await control.chat(1001))["reply_keyboard"] is None


async def test_media_messages_parse_as_telegram_objects(
    bot: Bot, http: aiohttp.ClientSession
) -> None:
    for kind in ("sticker", "photo", "voice"):
        async with http.post("/sandbox/api/users/1001/messages", json={kind: True}) as response:
            assert response.status == 200
    messages = [u.message for u in await bot.get_updates()]
    assert messages[0].sticker.emoji and messages[0].text is None
    assert messages[1].photo[-1].width == 800
    assert messages[2].voice.duration == 3


async def test_commands_round_trip(bot: Bot, control: Control) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="开始")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert (await control.chat(1001))["commands"][0]["description"] == "开始"
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == []


async def test_blocked_user_gets_403_and_bot_is_told(bot: Bot, control: Control) -> None:
    await control.request("POST", "/users/1001/blocked", json={"blocked": True})
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "本月就业情况？")
    [update] = await bot.get_updates()
    assert update.my_chat_member.new_chat_member.status == "kicked"
    await control.request("POST", "/users/1001/blocked", json={"blocked": False})
    assert (await bot.send_message(1001, "欢迎回来")).text == "欢迎回来"


async def test_second_poller_terminates_the_first(bot: Bot, sandbox: BotApiSandbox) -> None:
    waiting = watch_waiters(sandbox.state.updates.changed)
    first = asyncio.create_task(bot.get_updates(timeout=60))
    await asyncio.wait_for(waiting.wait(), 30)  # the first poll is in progress
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first


async def test_json_bodies_query_params_and_unknown_methods(
    http: aiohttp.ClientSession, control: Control
) -> None:
    body = {
        "chat_id": 2001,
        "text": "案件提醒",
        "reply_markup": KEYBOARD.model_dump(exclude_none=True),
    }
    async with http.post(f"/bot{TOKEN}/sendMessage", json=body) as response:
        sent = await response.json()
    assert sent["ok"] and sent["result"]["chat"] == {
        "id": 2001,
        "type": "private",
        "first_name": "王书记",
    }
    async with http.get(
        f"/bot{TOKEN}/sendMessage", params={"chat_id": "2001", "text": "q"}
    ) as response:
        assert (await response.json())["result"]["text"] == "q"
    async with http.post(f"/bot{TOKEN}/noSuchMethod") as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    async with http.post("/botnot-a-token/getMe") as response:
        assert response.status == 401
    assert len((await control.chat(2001))["messages"]) == 2


async def test_reset_keeps_update_ids_growing(bot: Bot, control: Control) -> None:
    first = await control.say(1001, "a")
    await control.request("POST", "/reset")
    assert await bot.get_updates() == []
    second = await control.say(1001, "b")
    assert second["update_id"] > first["update_id"] and second["message_id"] == 1

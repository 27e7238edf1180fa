"""Bot API methods about messages: send, edit, delete, chat actions, callback answers."""

from __future__ import annotations

import time
from typing import Any

from yulu.sandbox.calls import (
    Call,
    editable_message,
    method,
    not_modified,
    reply,
    target_chat,
)
from yulu.sandbox.markup import check_reply_markup, visible_text
from yulu.sandbox.params import bad_request
from yulu.sandbox.state import ACTION_SECONDS, Chat


@method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    raw, parse_mode = call.params.get_str("text"), call.params.get_str("parse_mode")
    text = visible_text(raw, parse_mode)
    markup = check_reply_markup(call.params.get_json("reply_markup"))
    message = chat.add_message(
        sender="bot", text=text, raw_text=raw, parse_mode=parse_mode, reply_markup=markup
    )
    _apply_reply_keyboard(chat, markup)
    chat.action = None
    call.state.stats.record_sent(method="sendMessage", message=message)
    return reply(call, chat, message)


def _apply_reply_keyboard(chat: Chat, markup: dict[str, Any] | None) -> None:
    if markup and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup and markup.get("remove_keyboard"):
        chat.reply_keyboard = None


@method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    message = editable_message(call, chat)
    raw, parse_mode = call.params.get_str("text"), call.params.get_str("parse_mode")
    text = visible_text(raw, parse_mode)
    # Like Telegram: an edit without reply_markup removes the inline keyboard.
    markup = check_reply_markup(call.params.get_json("reply_markup"), inline_only=True)
    if (message.text, message.raw_text, message.reply_markup) == (text, raw, markup):
        raise not_modified()
    message.text, message.raw_text, message.parse_mode = text, raw, parse_mode
    message.reply_markup, message.edit_date = markup, int(time.time())
    return reply(call, chat, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    message = editable_message(call, chat)
    markup = check_reply_markup(call.params.get_json("reply_markup"), inline_only=True)
    if message.reply_markup == markup:
        raise not_modified()
    message.reply_markup, message.edit_date = markup, int(time.time())
    return reply(call, chat, message)


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = target_chat(call, check_blocked=False)
    message = chat.find(call.params.get_int("message_id") or 0)
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    call.state.touch(chat)
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = target_chat(call)
    action = call.params.get_str("action")
    if not action:
        raise bad_request("action is empty")
    chat.action, chat.action_until = action, time.monotonic() + ACTION_SECONDS
    call.state.touch(chat)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.get_str("callback_query_id") or ""
    record = call.state.callbacks.get(query_id)
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    record.answered = True
    text = call.params.get_str("text")
    chat = call.state.chats.get(record.chat_id)
    if text and chat is not None:
        chat.add_toast(
            text=text,
            show_alert=call.params.get_bool("show_alert"),
            message_id=record.message_id,
            toast_id=call.state.new_toast_id(),
        )
        call.state.touch(chat)
    return True

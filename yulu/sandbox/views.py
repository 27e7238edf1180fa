"""JSON views of chats for the control API and the web page (not Telegram-shaped)."""

from __future__ import annotations

from typing import Any

from yulu.sandbox.state import Chat, ChatMessage, SandboxState, Toast


def message_view(message: ChatMessage) -> dict[str, Any]:
    """Return one message as the page shows it: current text and keyboard, edits applied."""
    view: dict[str, Any] = {
        "message_id": message.message_id,
        "from": message.sender,
        "date": message.date,
        "text": message.text,
        "reply_markup": message.reply_markup,
        "edited": message.edit_date is not None,
    }
    if message.parse_mode:
        view["parse_mode"] = message.parse_mode
        view["raw_text"] = message.raw_text
    if message.media:
        view["media"] = next(iter(message.media))
    return view


def chat_view(state: SandboxState, chat: Chat, *, after: int = 0) -> dict[str, Any]:
    """Return a chat's messages newer than `after`, its keyboard, toasts and status."""
    messages = [m for m in chat.messages if m.message_id > after and not m.deleted]
    return {
        "chat_id": chat.user_id,
        "user": {"id": chat.user_id, "first_name": chat.first_name},
        "blocked": chat.blocked,
        "version": chat.version,
        "messages": [message_view(m) for m in messages],
        "reply_keyboard": chat.reply_keyboard,
        "toasts": [toast_view(toast) for toast in chat.toasts],
        "action": chat.current_action(),
        "commands": state.default_commands(),
    }


def toast_view(toast: Toast) -> dict[str, Any]:
    """Return a callback answer as the page shows it."""
    return {
        "id": toast.toast_id,
        "text": toast.text,
        "show_alert": toast.show_alert,
        "message_id": toast.message_id,
        "t": toast.t,
    }


def has_bot_message_after(chat: Chat, after: int) -> bool:
    """Tell whether the bot has sent a (still visible) message newer than `after`."""
    for message in reversed(chat.messages):
        if message.message_id <= after:
            return False
        if message.sender == "bot" and not message.deleted:
            return True
    return False

"""Build Telegram-shaped objects (User, Chat, Message, CallbackQuery, …) from sandbox state."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

from yulu.sandbox.markup import is_inline
from yulu.sandbox.state import Chat, ChatMessage

COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


@dataclass(frozen=True)
class BotProfile:
    """The bot as seen by users: its id comes from the token's digits."""

    bot_id: int
    username: str
    first_name: str = "Yulu Sandbox"

    def user(self) -> dict[str, Any]:
        """Return the bot's User object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def me(self) -> dict[str, Any]:
        """Return the getMe result."""
        return {
            **self.user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


def user_obj(chat: Chat) -> dict[str, Any]:
    """Return the User object of the person in a private chat."""
    return {
        "id": chat.user_id,
        "is_bot": False,
        "first_name": chat.first_name,
        "language_code": "zh-hans",
    }


def chat_obj(chat: Chat) -> dict[str, Any]:
    """Return the private Chat object."""
    return {"id": chat.user_id, "type": "private", "first_name": chat.first_name}


def message_obj(message: ChatMessage, *, chat: Chat, bot: BotProfile) -> dict[str, Any]:
    """Return a Message object as Telegram would send it."""
    sender = bot.user() if message.sender == "bot" else user_obj(chat)
    obj: dict[str, Any] = {
        "message_id": message.message_id,
        "from": sender,
        "chat": chat_obj(chat),
        "date": message.date,
    }
    if message.text is not None:
        obj["text"] = message.text
        obj.update(_command_entities(message))
    if message.media:
        obj.update(message.media)
    if message.edit_date is not None:
        obj["edit_date"] = message.edit_date
    if is_inline(message.reply_markup):
        obj["reply_markup"] = message.reply_markup
    return obj


def _command_entities(message: ChatMessage) -> dict[str, Any]:
    if message.sender != "user" or not message.text:
        return {}
    match = COMMAND.match(message.text)
    if match is None:
        return {}
    return {"entities": [{"type": "bot_command", "offset": 0, "length": match.end()}]}


def callback_obj(
    *, query_id: str, message: ChatMessage, chat: Chat, bot: BotProfile, data: str
) -> dict[str, Any]:
    """Return a CallbackQuery object for a button tapped under a bot message."""
    return {
        "id": query_id,
        "from": user_obj(chat),
        "message": message_obj(message, chat=chat, bot=bot),
        "chat_instance": chat_instance(chat.user_id),
        "data": data,
    }


def chat_instance(chat_id: int) -> str:
    """Return a stable opaque chat_instance for a chat."""
    return str(int(hashlib.sha1(str(chat_id).encode()).hexdigest()[:15], 16))


def member_update_obj(*, chat: Chat, bot: BotProfile, blocked: bool) -> dict[str, Any]:
    """Return the my_chat_member update Telegram sends when a user blocks or unblocks the bot."""
    member = {"status": "member", "user": bot.user()}
    kicked = {"status": "kicked", "user": bot.user(), "until_date": 0}
    old, new = (member, kicked) if blocked else (kicked, member)
    return {
        "chat": chat_obj(chat),
        "from": user_obj(chat),
        "date": int(time.time()),
        "old_chat_member": old,
        "new_chat_member": new,
    }


def media_fields(kind: str, *, unique: str) -> dict[str, Any]:
    """Return the Message fields of a sticker, photo or voice with placeholder files."""
    file_id = f"sandbox-{kind}-{unique}"
    file_unique_id = f"u{unique}"
    if kind == "sticker":
        sticker = {
            "file_id": file_id,
            "file_unique_id": file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😊",
        }
        return {"sticker": sticker}
    if kind == "photo":
        sizes = [(90, 67, 1200), (320, 240, 14000), (800, 600, 61000)]
        return {
            "photo": [
                {
                    "file_id": f"{file_id}-{w}",
                    "file_unique_id": f"{file_unique_id}{w}",
                    "width": w,
                    "height": h,
                    "file_size": size,
                }
                for w, h, size in sizes
            ]
        }
    return {
        "voice": {
            "file_id": file_id,
            "file_unique_id": file_unique_id,
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": 9800,
        }
    }

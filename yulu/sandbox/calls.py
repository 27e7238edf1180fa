"""What every Bot API method handler shares: the call, the registry, Telegram's errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from yulu.sandbox.objects import BotProfile, message_obj
from yulu.sandbox.params import ApiError, Params, bad_request
from yulu.sandbox.runtime import Runtime
from yulu.sandbox.state import Chat, ChatMessage, SandboxState


@dataclass
class Call:
    """One Bot API call being served."""

    runtime: Runtime
    token: str
    bot: BotProfile
    params: Params

    @property
    def state(self) -> SandboxState:
        """Return the sandbox state."""
        return self.runtime.state


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a Bot API method; Telegram matches method names case-insensitively."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def blocked() -> ApiError:
    """Return Telegram's error for a user who blocked the bot."""
    return ApiError(403, "Forbidden: bot was blocked by the user")


def not_modified() -> ApiError:
    """Return Telegram's error for an edit that changes nothing."""
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def conflict(*, webhook: bool) -> ApiError:
    """Return Telegram's 409 for polling with a webhook set or with a newer poller."""
    if webhook:
        return ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    return ApiError(
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )


def target_chat(call: Call, *, check_blocked: bool = True) -> Chat:
    """Return the chat named by chat_id: 400 if unknown, 403 if the user blocked the bot."""
    chat_id = call.params.chat_id()
    if chat_id is None:
        raise bad_request("chat_id is empty")
    chat = call.state.chats.get(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    if check_blocked and chat.blocked:
        raise blocked()
    return chat


def editable_message(call: Call, chat: Chat) -> ChatMessage:
    """Return the bot message named by message_id, 400 if it cannot be edited."""
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message_id = call.params.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.find(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if message.sender != "bot":
        raise bad_request("message can't be edited")
    return message


def reply(call: Call, chat: Chat, message: ChatMessage) -> dict[str, Any]:
    """Mark the chat changed and return the Message object."""
    call.state.touch(chat)
    return message_obj(message, chat=chat, bot=call.bot)

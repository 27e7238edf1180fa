"""In-memory world of the sandbox: users, chats, messages, pending updates, faults, stats."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from yulu.sandbox.limits import Limits, RateLimiter
from yulu.sandbox.updates import Notifier, UpdateQueue

Sender = Literal["user", "bot"]
TOAST_HISTORY = 20
ACTION_SECONDS = 5.0


@dataclass
class Identity:
    """A person the web page can chat as."""

    user_id: int
    first_name: str
    role_label: str


def default_identities() -> list[Identity]:
    """Return the page's two built-in identities: a graduate and a cadre."""
    return [Identity(1001, "小李", "毕业生"), Identity(2001, "王书记", "帮扶干部")]


def commands_key(scope: dict[str, Any] | None, language_code: str | None) -> str:
    """Return the key setMyCommands stores a command list under."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True) + "|" + (language_code or "")


@dataclass
class ChatMessage:
    """One message in a private chat, either direction."""

    message_id: int
    chat_id: int
    sender: Sender
    date: int
    text: str | None = None
    raw_text: str | None = None  # as sent, before parse_mode markup is stripped
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    media: dict[str, Any] | None = None  # Telegram Message fields: sticker, photo, voice
    edit_date: int | None = None
    deleted: bool = False


@dataclass
class Toast:
    """A callback answer the page shows as a toast."""

    toast_id: int
    text: str
    show_alert: bool
    message_id: int | None
    t: float


@dataclass
class Chat:
    """A private chat between one user and the bot (chat id == user id)."""

    user_id: int
    first_name: str
    messages: list[ChatMessage] = field(default_factory=list)
    next_message_id: int = 1
    blocked: bool = False
    toasts: list[Toast] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    action: str | None = None
    action_until: float = 0.0
    version: int = 0

    def add_message(self, *, sender: Sender, **fields: Any) -> ChatMessage:
        """Append a new message with the chat's next message id."""
        message = ChatMessage(
            message_id=self.next_message_id,
            chat_id=self.user_id,
            sender=sender,
            date=int(time.time()),
            **fields,
        )
        self.next_message_id += 1
        self.messages.append(message)
        return message

    def find(self, message_id: int) -> ChatMessage | None:
        """Return the live (not deleted) message with this id."""
        for message in reversed(self.messages):
            if message.message_id == message_id:
                return None if message.deleted else message
        return None

    def add_toast(
        self, *, text: str, show_alert: bool, message_id: int | None, toast_id: int
    ) -> None:
        """Record a callback answer, keeping only the recent ones."""
        self.toasts.append(Toast(toast_id, text, show_alert, message_id, time.time()))
        del self.toasts[:-TOAST_HISTORY]

    def current_action(self) -> str | None:
        """Return the chat action (typing…) if it has not expired yet."""
        return self.action if time.monotonic() < self.action_until else None


@dataclass
class CallbackRecord:
    """A callback query the bot has to answer."""

    chat_id: int
    message_id: int
    answered: bool = False


@dataclass
class FaultRule:
    """An error injected into matching Bot API calls until its count runs out."""

    method: str = "*"
    status: int | None = None
    retry_after: int = 1
    count: int = 1
    chat_id: int | None = None
    delay: float = 0.0

    def matches(self, method: str, chat_id: int | None) -> bool:
        """Tell whether this rule applies to a call."""
        if self.count <= 0:
            return False
        if self.method != "*" and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class WebhookConfig:
    """The webhook the bot asked for with setWebhook."""

    url: str
    token: str  # needed to execute a method returned in the webhook reply; never shown
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int) -> dict[str, Any]:
        """Return a Telegram WebhookInfo object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.allowed_updates is not None:
            info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


@dataclass
class Stats:
    """What the bot did, for tests: delivered messages and error counts."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    count_by_method: Counter[str] = field(default_factory=Counter)
    errors_by_status: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0
    limited: int = 0  # 429s produced by the rate limiter (not by injected faults)

    def record_sent(self, *, method: str, message: ChatMessage) -> None:
        """Record one delivered message with wall and monotonic timestamps."""
        self.sent.append(
            {
                "chat_id": message.chat_id,
                "message_id": message.message_id,
                "method": method,
                "text": message.text,
                "t": time.time(),
                "mono": time.monotonic(),
            }
        )

    def record_error(self, status: int) -> None:
        """Count one error response."""
        self.errors_by_status[status] += 1
        if status == 429:
            self.too_many_requests += 1


class SandboxState:
    """Everything the sandbox remembers; lives in memory only."""

    def __init__(self, *, limits: Limits, identities: list[Identity]) -> None:
        self.identities = identities
        self.initial_limits = limits
        self.limiter = RateLimiter(limits)
        self.updates = UpdateQueue()
        self.chats_changed = Notifier()
        self.webhook: WebhookConfig | None = None
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.poll_generation: dict[str, int] = {}
        self.last_bot_id = 100000  # replaced by the id of the first token that calls the API
        self.closing = False
        self._last_version = 0  # chat versions never repeat, even across reset()
        self._init_world()

    def _init_world(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.faults: list[FaultRule] = []
        self.stats = Stats()
        self.next_callback_id = 1
        self.next_toast_id = 1
        for identity in self.identities:
            self.ensure_chat(identity.user_id, identity.first_name)

    def reset(self) -> None:
        """Forget chats, faults, stats and pending updates; keep webhook, commands, update ids."""
        self._init_world()
        self.limiter = RateLimiter(self.initial_limits)
        self.updates.clear()
        self.touch()

    def ensure_chat(self, user_id: int, first_name: str | None = None) -> Chat:
        """Return the user's chat, creating user and chat on first contact."""
        chat = self.chats.get(user_id)
        if chat is None:
            chat = Chat(user_id=user_id, first_name=first_name or self.default_name(user_id))
            self.chats[user_id] = chat
        elif first_name:
            chat.first_name = first_name
        return chat

    def default_name(self, user_id: int) -> str:
        """Name a user after their identity, or generically."""
        for identity in self.identities:
            if identity.user_id == user_id:
                return identity.first_name
        return f"用户{user_id}"

    def touch(self, chat: Chat | None = None) -> None:
        """Mark a chat as changed and wake long-polls waiting on chats."""
        if chat is not None:
            self._last_version += 1
            chat.version = self._last_version
        self.chats_changed.notify()

    def default_commands(self) -> list[dict[str, Any]]:
        """Return the command menu a user sees (default scope, any language)."""
        return self.commands.get(commands_key(None, None), [])

    def new_callback_id(self) -> str:
        """Return a fresh callback query id."""
        value = str(self.next_callback_id)
        self.next_callback_id += 1
        return value

    def new_toast_id(self) -> int:
        """Return a fresh toast id (unique across chats)."""
        value = self.next_toast_id
        self.next_toast_id += 1
        return value

    def take_fault(self, method: str, chat_id: int | None) -> FaultRule | None:
        """Consume one count of the first fault rule matching this call."""
        for rule in self.faults:
            if rule.matches(method, chat_id):
                rule.count -= 1
                if rule.count <= 0:
                    self.faults.remove(rule)
                return rule
        return None

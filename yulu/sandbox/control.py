"""Control API under /sandbox/api/users/: act as a user and read their chat (page and tests)."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from yulu.sandbox.markup import MAX_TEXT, has_callback
from yulu.sandbox.objects import callback_obj, media_fields, member_update_obj, message_obj
from yulu.sandbox.runtime import RUNTIME, Runtime
from yulu.sandbox.state import CallbackRecord, Chat
from yulu.sandbox.views import chat_view, has_bot_message_after

MEDIA_KINDS = ("sticker", "photo", "voice")
MAX_WAIT = 60.0

routes = web.RouteTableDef()


HTTP_ERRORS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    500: web.HTTPInternalServerError,
}


def fail(status: int, message: str, *, code: str = "", **details: Any) -> web.HTTPException:
    """Return an HTTP error (400, 404 or 500) with a JSON body {"error": message}.

    `code` (with `details`) names the refusal for the chat page, which says it in Chinese.
    """
    payload = {"error": message, **({"code": code, **details} if code else {})}
    body = json.dumps(payload, ensure_ascii=False)
    return HTTP_ERRORS[status](text=body, content_type="application/json")


def reply(data: Any, status: int = 200) -> web.Response:
    """Return a JSON response that keeps Chinese readable."""
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def json_body(request: web.Request) -> dict[str, Any]:
    """Read a JSON object body; an empty body is an empty object."""
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise fail(400, "body must be JSON") from None
    if not isinstance(body, dict):
        raise fail(400, "body must be a JSON object")
    return body


def user_id_of(request: web.Request) -> int:
    """Return the {user_id} path parameter."""
    try:
        return int(request.match_info["user_id"])
    except ValueError:
        raise fail(400, "user_id must be an integer") from None


def runtime_of(request: web.Request) -> Runtime:
    """Return the sandbox runtime of this app."""
    return request.app[RUNTIME]


# ---- acting as a user ---------------------------------------------------------------------


@routes.post("/sandbox/api/users/{user_id}/messages")
async def post_message(request: web.Request) -> web.Response:
    """A user writes to the bot: text, or a sticker, photo or voice message."""
    runtime, body = runtime_of(request), await json_body(request)
    state = runtime.state
    chat = state.ensure_chat(user_id_of(request), body.get("first_name"))
    if chat.blocked:  # writing to a blocked bot means restarting it first
        set_blocked(runtime, chat, blocked=False)
    unique = f"{chat.user_id}-{chat.next_message_id}"
    message = chat.add_message(sender="user", **_message_content(body, unique=unique))
    if (chat.reply_keyboard or {}).get("one_time_keyboard"):
        chat.reply_keyboard = None
    update = message_obj(message, chat=chat, bot=runtime.any_bot())
    update_id = state.updates.push(chat_id=chat.user_id, kind="message", body=update)
    state.touch(chat)
    return reply({"update_id": update_id, "message_id": message.message_id})


def _message_content(body: dict[str, Any], *, unique: str) -> dict[str, Any]:
    """Return ChatMessage fields for a text or media message, 400 if the body has neither."""
    text = body.get("text")
    if isinstance(text, str) and text.strip():
        if len(text) > MAX_TEXT:
            raise fail(400, "text is too long", code="too_long", limit=MAX_TEXT, length=len(text))
        return {"text": text, "raw_text": text}
    for kind in MEDIA_KINDS:
        if body.get(kind):
            return {"media": media_fields(kind, unique=unique)}
    raise fail(400, 'give a non-empty "text" or one of sticker/photo/voice: true', code="empty")


@routes.post("/sandbox/api/users/{user_id}/callback")
async def post_callback(request: web.Request) -> web.Response:
    """A user taps an inline button under a bot message."""
    runtime, body = runtime_of(request), await json_body(request)
    state = runtime.state
    chat = state.chats.get(user_id_of(request))
    if chat is None:
        raise fail(404, "no such chat")
    message = chat.find(read_int(body.get("message_id"), "message_id"))
    data = str(body.get("data", ""))
    if message is None or message.sender != "bot" or not has_callback(message.reply_markup, data):
        raise fail(400, "that message has no button with this callback data")
    query_id = state.new_callback_id()
    state.callbacks[query_id] = CallbackRecord(chat_id=chat.user_id, message_id=message.message_id)
    query = callback_obj(
        query_id=query_id, message=message, chat=chat, bot=runtime.any_bot(), data=data
    )
    update_id = state.updates.push(chat_id=chat.user_id, kind="callback_query", body=query)
    return reply({"update_id": update_id, "callback_query_id": query_id})


def read_int(value: Any, name: str) -> int:
    """Return an integer field, 400 if it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise fail(400, f"{name} must be an integer") from None


@routes.post("/sandbox/api/users/{user_id}/blocked")
async def post_blocked(request: web.Request) -> web.Response:
    """The user blocks or unblocks the bot; sends to a blocked chat fail with 403."""
    runtime, body = runtime_of(request), await json_body(request)
    chat = runtime.state.ensure_chat(user_id_of(request))
    set_blocked(runtime, chat, blocked=bool(body.get("blocked", True)))
    return reply({"blocked": chat.blocked})


def set_blocked(runtime: Runtime, chat: Chat, *, blocked: bool) -> None:
    """Change the blocked flag and tell the bot with a my_chat_member update, as Telegram does."""
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    update = member_update_obj(chat=chat, bot=runtime.any_bot(), blocked=blocked)
    runtime.state.updates.push(chat_id=chat.user_id, kind="my_chat_member", body=update)
    runtime.state.touch(chat)


# ---- reading a chat -----------------------------------------------------------------------


@routes.get("/sandbox/api/users/{user_id}/chat")
async def get_chat(request: web.Request) -> web.Response:
    """Return the chat's messages (both directions) after ?after=message_id."""
    state, user_id = runtime_of(request).state, user_id_of(request)
    chat = state.chats.get(user_id) or Chat(user_id=user_id, first_name=state.default_name(user_id))
    return reply(chat_view(state, chat, after=_query_int(request, "after", 0)))


@routes.get("/sandbox/api/users/{user_id}/wait")
async def wait_chat(request: web.Request) -> web.Response:
    """Long-poll until the bot sends a message newer than ?after (or ?version changes)."""
    state, user_id = runtime_of(request).state, user_id_of(request)
    after = _query_int(request, "after", 0)
    version = _query_int(request, "version", -1)
    timeout = min(max(float(request.query.get("timeout", 10)), 0.0), MAX_WAIT)
    deadline = time.monotonic() + timeout
    while True:
        chat = state.chats.get(user_id)
        ready = chat is not None and (
            has_bot_message_after(chat, after) or (version >= 0 and chat.version > version)
        )
        remaining = deadline - time.monotonic()
        if ready or remaining <= 0 or state.closing:
            chat = chat or Chat(user_id=user_id, first_name=state.default_name(user_id))
            return reply({**chat_view(state, chat, after=after), "timed_out": not ready})
        await state.chats_changed.wait(remaining)


def _query_int(request: web.Request, name: str, default: int) -> int:
    value = request.query.get(name)
    return default if value in (None, "") else read_int(value, name)

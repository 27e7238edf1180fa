"""Bot API methods about the bot itself: getUpdates, webhook, commands, close/logOut."""

from __future__ import annotations

import re
import time
from typing import Any

from yulu.sandbox.calls import Call, conflict, method
from yulu.sandbox.params import bad_request
from yulu.sandbox.state import WebhookConfig, commands_key

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BOT_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return call.bot.me()


def _commands_key(call: Call) -> str:
    return commands_key(call.params.get_json("scope"), call.params.get_str("language_code"))


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request('parameter "commands" is required')
    for command in commands:
        if not isinstance(command, dict) or not BOT_COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description is empty")
    call.state.commands[_commands_key(call)] = commands
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return call.state.commands.get(_commands_key(call), [])


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.state.commands.pop(_commands_key(call), None)
    return True


# ---- updates and webhook ------------------------------------------------------------------


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    state, params = call.state, call.params
    if state.webhook is not None:
        raise conflict(webhook=True)
    allowed = params.get_json("allowed_updates")
    if isinstance(allowed, list):
        state.updates.allowed = allowed
    offset = params.get_int("offset")
    if offset is not None:
        state.updates.confirm(offset)
    limit = min(max(params.get_int("limit") or 100, 1), 100)
    timeout = min(max(params.get_float("timeout") or 0.0, 0.0), 600.0)
    return await _long_poll(call, limit=limit, timeout=timeout)


async def _long_poll(call: Call, *, limit: int, timeout: float) -> list[dict[str, Any]]:
    """Return pending updates at once, or wait for the first one until the timeout."""
    state, key = call.state, str(call.bot.bot_id)
    generation = state.poll_generation.get(key, 0) + 1
    state.poll_generation[key] = generation
    state.updates.changed.notify()  # an older long-poll of this bot ends with 409
    deadline = time.monotonic() + timeout
    while True:
        if state.poll_generation.get(key) != generation:
            raise conflict(webhook=False)
        if state.webhook is not None:
            raise conflict(webhook=True)
        updates = state.updates.take(limit)
        remaining = deadline - time.monotonic()
        if updates or remaining <= 0 or state.closing:
            return updates
        await state.updates.changed.wait(remaining)


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    params = call.params
    url = params.get_str("url") or ""
    if not url:
        return await delete_webhook(call)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get_str("secret_token") or None
    if secret is not None and not SECRET.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    allowed = params.get_json("allowed_updates")
    if isinstance(allowed, list):
        call.state.updates.allowed = allowed
    if params.get_bool("drop_pending_updates"):
        call.state.updates.clear()
    config = WebhookConfig(
        url=url,
        token=call.token,
        secret_token=secret,
        max_connections=min(max(params.get_int("max_connections") or 40, 1), 100),
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    await call.runtime.webhook.start(config)
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    await call.runtime.webhook.stop()
    if call.params.get_bool("drop_pending_updates"):
        call.state.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    pending = len(call.state.updates.pending)
    if call.state.webhook is None:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}
    return call.state.webhook.info(pending)


@method("close")
async def close(call: Call) -> bool:
    return True


@method("logOut")
async def log_out(call: Call) -> bool:
    return True

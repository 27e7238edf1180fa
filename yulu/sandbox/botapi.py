"""The Telegram Bot API at /bot{token}/{method}: the pipeline every call goes through.

A call is checked in this order: token, method name, injected faults, flood control, then the
method handler (registered in methods_messages / methods_bot) runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any

from aiohttp import web

from yulu.sandbox import methods_bot, methods_messages  # noqa: F401  (register the methods)
from yulu.sandbox.calls import METHODS, Call, blocked
from yulu.sandbox.params import ApiError, Params, read_params
from yulu.sandbox.runtime import RUNTIME, Runtime
from yulu.sandbox.state import FaultRule

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
LIMITED_METHODS = {"sendMessage"}  # calls that create a message count against flood control


async def handle(request: web.Request) -> web.Response:
    """Serve /bot{token}/{method}."""
    runtime = request.app[RUNTIME]
    token, name = request.match_info["token"], request.match_info["method"]
    try:
        params = await read_params(request)
    except ApiError as error:
        return web.json_response(error.body(), status=error.status)
    status, body = await call_method(runtime, token=token, name=name, params=params)
    return web.json_response(body, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def call_method(
    runtime: Runtime, *, token: str, name: str, params: Params
) -> tuple[int, dict[str, Any]]:
    """Run one call and return (HTTP status, Telegram response body)."""
    try:
        result = await _execute(runtime, token=token, name=name, params=params)
    except ApiError as error:
        runtime.state.stats.record_error(error.status)
        return error.status, error.body()
    except Exception:  # a sandbox bug must not look like a network failure to the bot
        log.exception("sandbox failed on method %s", name)
        runtime.state.stats.record_error(500)
        return 500, ApiError(500, "Internal Server Error").body()
    return 200, {"ok": True, "result": result}


async def _execute(runtime: Runtime, *, token: str, name: str, params: Params) -> Any:
    if not TOKEN.match(token):
        raise ApiError(401, "Unauthorized")
    if name.lower() not in METHODS:
        raise ApiError(404, "Not Found")
    canonical, handler = METHODS[name.lower()]
    state = runtime.state
    state.stats.count_by_method[canonical] += 1
    call = Call(runtime=runtime, token=token, bot=runtime.bot(token), params=params)
    state.last_bot_id = call.bot.bot_id
    chat_id = params.chat_id()
    if rule := state.take_fault(canonical, chat_id):
        await _apply_fault(rule)
    if canonical in LIMITED_METHODS:
        _check_limits(call, chat_id)
    return await handler(call)


async def _apply_fault(rule: FaultRule) -> None:
    """Sleep for a slow reply, then fail the call if the rule has a status."""
    if rule.delay > 0:
        await asyncio.sleep(rule.delay)
    if rule.status is None or rule.status < 400:
        return
    if rule.status == 429:
        raise ApiError(
            429, f"Too Many Requests: retry after {rule.retry_after}", retry_after=rule.retry_after
        )
    if rule.status == 403:
        raise blocked()
    if rule.status >= 500:
        raise ApiError(rule.status, "Internal Server Error")
    raise ApiError(rule.status, "Bad Request: injected fault")


def _check_limits(call: Call, chat_id: int | None) -> None:
    retry_after = call.state.limiter.check(
        bot_id=str(call.bot.bot_id), chat_id=chat_id, now=time.monotonic()
    )
    if retry_after is not None:
        call.state.stats.limited += 1
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )

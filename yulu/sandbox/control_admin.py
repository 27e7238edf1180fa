"""Control API for test and page operators: faults, limits, stats, reset, identities, demo."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from aiohttp import web

from yulu.sandbox.control import fail, json_body, read_int, reply, runtime_of
from yulu.sandbox.limits import Limits
from yulu.sandbox.state import FaultRule

log = logging.getLogger(__name__)

routes = web.RouteTableDef()


@routes.get("/sandbox/api/faults")
async def get_faults(request: web.Request) -> web.Response:
    """List the active fault rules."""
    return reply({"faults": [asdict(rule) for rule in runtime_of(request).state.faults]})


@routes.post("/sandbox/api/faults")
async def post_faults(request: web.Request) -> web.Response:
    """Add fault rules: one object, a list, or {"rules": [...]}."""
    state = runtime_of(request).state
    try:
        body = await request.json() if request.body_exists else {}
    except ValueError:
        raise fail(400, "body must be JSON") from None
    rules = body.get("rules", [body]) if isinstance(body, dict) else body
    if not isinstance(rules, list):
        raise fail(400, "give a rule object or a list of rules")
    state.faults.extend(_fault_rule(rule) for rule in rules)
    return reply({"faults": [asdict(rule) for rule in state.faults]})


def _fault_rule(raw: Any) -> FaultRule:
    """Parse one rule such as {"method": "sendMessage", "status": 429, "count": 5}."""
    if not isinstance(raw, dict):
        raise fail(400, "a fault rule must be an object")
    status = raw.get("status")
    if status is not None and not 400 <= read_int(status, "status") <= 599:
        raise fail(400, "status must be 400..599")
    chat_id = raw.get("chat_id")
    try:
        return FaultRule(
            method=str(raw.get("method", "*")),
            status=None if status is None else int(status),
            retry_after=int(raw.get("retry_after", 1)),
            count=int(raw.get("count", 1)),
            chat_id=None if chat_id is None else int(chat_id),
            delay=float(raw.get("delay", 0)),
        )
    except (TypeError, ValueError):
        raise fail(400, "fault rule fields have the wrong type") from None


@routes.delete("/sandbox/api/faults")
async def delete_faults(request: web.Request) -> web.Response:
    """Remove every fault rule."""
    runtime_of(request).state.faults.clear()
    return reply({"faults": []})


@routes.get("/sandbox/api/limits")
async def get_limits(request: web.Request) -> web.Response:
    """Return the flood-control settings."""
    return reply(asdict(runtime_of(request).state.limiter.limits))


@routes.post("/sandbox/api/limits")
async def post_limits(request: web.Request) -> web.Response:
    """Change flood-control settings; omitted fields keep their value."""
    state, body = runtime_of(request).state, await json_body(request)
    try:
        limits = _limits_from({**asdict(state.limiter.limits), **body})
    except (TypeError, ValueError):
        raise fail(400, "limits fields have the wrong type") from None
    state.limiter.configure(limits)
    return reply(asdict(limits))


def _limits_from(values: dict[str, Any]) -> Limits:
    return Limits(
        enabled=bool(values["enabled"]),
        per_second=float(values["per_second"]),
        per_chat_per_second=float(values["per_chat_per_second"]),
        retry_after=int(values["retry_after"]),
    )


@routes.get("/sandbox/api/stats")
async def get_stats(request: web.Request) -> web.Response:
    """Return delivered messages and counters; ?sent=0 leaves out the message list."""
    state = runtime_of(request).state
    stats, pending = state.stats, len(state.updates.pending)
    data: dict[str, Any] = {
        "count_by_method": dict(stats.count_by_method),
        "errors_by_status": {str(k): v for k, v in stats.errors_by_status.items()},
        "429s": stats.too_many_requests,
        "limited": stats.limited,
        "pending_updates": pending,
        "webhook": state.webhook.info(pending) if state.webhook else None,
    }
    if request.query.get("sent", "1") not in ("0", "false"):
        data["sent"] = stats.sent
    return reply(data)


# ---- world --------------------------------------------------------------------------------


@routes.post("/sandbox/api/reset")
async def post_reset(request: web.Request) -> web.Response:
    """Forget chats, faults, stats and pending updates."""
    runtime_of(request).state.reset()
    return reply({"ok": True})


@routes.get("/sandbox/api/identities")
async def get_identities(request: web.Request) -> web.Response:
    """Return the identities the page can chat as."""
    return reply([asdict(identity) for identity in runtime_of(request).state.identities])


@routes.post("/sandbox/api/demo")
async def post_demo(request: web.Request) -> web.Response:
    """Load the demo dataset through the hook the application gave us."""
    on_demo = runtime_of(request).on_demo
    if on_demo is None:
        raise fail(404, "no demo loader configured")
    try:
        message = await on_demo()
    except Exception as error:  # the hook is the application's code; report, keep serving
        log.exception("demo loader failed")
        raise fail(500, f"demo loader failed: {error}") from error
    return reply({"message": message})

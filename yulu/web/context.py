"""What a console handler reads from its request: the runtime, the session, who is signed in."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.i18n import Translator
from yulu.services.cases import CaseMessages
from yulu.services.context import Runtime
from yulu.web.scope import Staff

RUNTIME = web.AppKey("yulu_runtime", Runtime)
TRANSLATOR = web.AppKey("yulu_translator", Translator)
DEMO = web.AppKey("yulu_demo", bool)
IMPORTS = web.AppKey("yulu_imports", dict)
EDITOR = web.AppKey("yulu_case_messages", list)  # [CaseMessages] once the channel is up


DB = web.RequestKey("yulu_db", AsyncSession)
STAFF = web.RequestKey("yulu_staff", object)  # Staff | None
PRE_TOKEN = web.RequestKey("yulu_pre_token", str)

NAV = (
    ("/", "web-nav-dashboard", False),
    ("/cases", "web-nav-cases", False),
    ("/people", "web-nav-people", False),
    ("/import", "web-nav-import", True),
    ("/campaigns", "web-nav-campaigns", True),
    ("/audit", "web-nav-audit", True),
)

SESSION_COOKIE = "yulu_session"
PRE_COOKIE = "yulu_pre"  # the CSRF token of a visitor not yet signed in (double submit)


def runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def translator(request: web.Request) -> Translator:
    return request.app[TRANSLATOR]


def case_messages(request: web.Request) -> CaseMessages:
    """How to edit the messages already sent about a case (Telegram's, once the bot is up)."""
    editors = request.app[EDITOR]
    return editors[0] if editors else NO_EDITS


class _NoEdits:
    """Before the bot is up (or `yulu web` alone): only queued alerts are brought up to date."""

    async def edit(self, *, chat_id: int, message_id: int, text: str, buttons: Any) -> None:
        return None


NO_EDITS = _NoEdits()


def db(request: web.Request) -> AsyncSession:
    """The request's database session; the middleware commits it once, after the handler."""
    return request[DB]


def staff(request: web.Request) -> Staff:
    """The signed-in staff member (the auth middleware has already turned strangers away)."""
    return request[STAFF]


def render(
    request: web.Request, template: str, *, status: int = 200, **values: Any
) -> web.Response:
    """A page from the templates, with the translator and the signed-in staff member."""
    return aiohttp_jinja2.render_template(
        template, request, {**_context(request), **values}, status=status
    )


def _context(request: web.Request) -> dict[str, Any]:
    staff = request.get(STAFF)
    token = staff.csrf if staff is not None else request.get(PRE_TOKEN, "")
    nav = [(href, key) for href, key, admin in NAV if staff and (staff.is_admin or not admin)]
    return {"staff": staff, "csrf_token": token, "nav": nav, "path": request.path}


def see_other(location: str) -> web.HTTPSeeOther:
    """The answer to a form POST: go and GET the page that shows the result."""
    return web.HTTPSeeOther(location)


def is_secure(request: web.Request) -> bool:
    """HTTPS directly, or behind a reverse proxy that says so, or configured as such."""
    web_settings = request.app[RUNTIME].settings.web
    return (
        web_settings.secure_cookies
        or web_settings.public_url.startswith("https://")
        or request.secure
        or request.headers.get("X-Forwarded-Proto", "") == "https"
    )


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    """A session-scoped, HttpOnly, SameSite=Lax cookie (Secure over HTTPS)."""
    response.set_cookie(
        name, value, httponly=True, samesite="Lax", secure=is_secure(request), path="/"
    )

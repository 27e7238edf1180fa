"""The staff console's aiohttp application: middlewares, templates, routes; start and stop.

Per request, in order: domain errors become pages (403/404/400); one database session with one
commit after the handler; who is signed in (strangers go to /login); the CSRF token on every
POST. Pages never decide scope themselves: every query goes through the staff member's Reach.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from yulu.core.errors import InvalidInput, NotAllowed, NotFound
from yulu.core.i18n import Translator, get_translator
from yulu.services.cases import CaseMessages
from yulu.services.context import Runtime
from yulu.web import auth
from yulu.web.context import (
    DB,
    DEMO,
    EDITOR,
    IMPORTS,
    PRE_COOKIE,
    PRE_TOKEN,
    RUNTIME,
    SESSION_COOKIE,
    STAFF,
    TRANSLATOR,
    render,
    set_cookie,
)
from yulu.web.pages import audit, campaigns, cases, dashboard, imports, people, signin

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
PUBLIC = ("/login", "/static/", "/healthz")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors as pages: refused 403, missing 404, bad input 400."""
    try:
        return await handler(request)
    except NotAllowed:
        return render(request, "error.html", status=403, message="web-forbidden")
    except NotFound:
        return render(request, "error.html", status=404, message="web-not-found")
    except InvalidInput as exc:
        return render(request, "error.html", status=400, message="web-bad-input", reason=exc.reason)


@web.middleware
async def database(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One session per request, committed once after the handler: a page it answered (even a
    refusal it renders itself, like a wrong code that must count) or a redirect; any exception
    rolls everything back."""
    async with request.app[RUNTIME].session_factory() as session:
        request[DB] = session
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            await (session.commit() if exc.status < 400 else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
        return response


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resolve the signed-in staff member once; send strangers to the sign-in page."""
    runtime = request.app[RUNTIME]
    request[STAFF] = await auth.staff_of(
        request[DB],
        runtime.cipher,
        request.cookies.get(SESSION_COOKIE),
        web=runtime.settings.web,
    )
    if request[STAFF] is None and not request.path.startswith(PUBLIC):
        if request.method != "GET":
            raise web.HTTPForbidden()
        raise web.HTTPSeeOther("/login")
    return await handler(request)


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every state-changing request carries the session's token (or, before sign-in, the
    token of the visitor cookie): a form field `csrf` or the X-CSRF-Token header."""
    request[PRE_TOKEN] = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        staff = request[STAFF]
        expected = staff.csrf if staff is not None else request.cookies.get(PRE_COOKIE, "")
        given = request.headers.get("X-CSRF-Token") or (await request.post()).get("csrf", "")
        if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
            return render(request, "error.html", status=403, message="web-csrf")
    response = await handler(request)
    if PRE_COOKIE not in request.cookies:
        set_cookie(request, response, PRE_COOKIE, request[PRE_TOKEN])
    return response


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No caching of personal pages, no framing, no referrer (sign-in links hold a token)."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _harden(response, request)
        raise
    _harden(response, request)
    return response


def _harden(response: web.StreamResponse, request: web.Request) -> None:
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )


def create_app(
    runtime: Runtime,
    *,
    translator: Translator | None = None,
    demo: bool = False,
    case_messages: CaseMessages | None = None,
) -> web.Application:
    """The console application on this runtime's store (the same store the bot uses)."""
    app = web.Application(
        middlewares=[headers, errors, database, signed_in, csrf], client_max_size=20 * 1024**2
    )
    app[RUNTIME] = runtime
    app[TRANSLATOR] = translator or get_translator()
    app[DEMO] = demo
    app[IMPORTS] = {}
    app[EDITOR] = [case_messages] if case_messages is not None else []
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    env.globals["t"] = app[TRANSLATOR]
    env.undefined = jinja2.StrictUndefined
    app.router.add_static("/static", HERE / "static")
    app.router.add_get("/healthz", _health)
    for module in (signin, dashboard, cases, people, imports, campaigns, audit):
        app.add_routes(module.routes)
    return app


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


class WebConsole:
    """The console served beside the bot (`yulu run`) or alone (`yulu web`)."""

    def __init__(self, runtime: Runtime, *, demo: bool = False) -> None:
        self._app = create_app(runtime, demo=demo)
        self._runner: web.AppRunner | None = None
        self._settings = runtime.settings.web
        self._closers: list[Callable[[], Awaitable[None]]] = []

    @property
    def url(self) -> str:
        return self._settings.url

    async def start(self) -> None:
        """Listen on web.host:web.port."""
        # No access log: a sign-in link carries its token in the path. A short shutdown: an open
        # import page must not hold `yulu run` up when it stops.
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=3.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._settings.host, self._settings.port).start()
        log.info("staff console on %s", self.url)

    def attach_case_messages(
        self, messages: CaseMessages, *, close: Callable[[], Awaitable[None]]
    ) -> None:
        """Once the bot is up: case changes made here edit the Telegram messages too."""
        self._app[EDITOR][:] = [messages]
        self._closers.append(close)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for close in self._closers:
            await close()
        self._closers.clear()

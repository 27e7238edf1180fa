"""登录: phone → 6-digit code in Telegram, a one-time link, the demo button; sign-out."""

from __future__ import annotations

from aiohttp import web

from yulu.core.errors import InvalidInput
from yulu.services import validation
from yulu.storage.models import Cadre
from yulu.storage.people import cadre_by_phone_hash
from yulu.web import auth
from yulu.web.context import (
    DEMO,
    SESSION_COOKIE,
    STAFF,
    db,
    render,
    runtime,
    see_other,
    set_cookie,
    translator,
)
from yulu.web.scope import staff_for

routes = web.RouteTableDef()
DEMO_ADMIN_PHONE = "13900000000"  # yulu.services.demo's 赵主任
CODE_OUTCOMES = {
    "sent": "web-code-sent",
    "locked": "web-code-locked",
    "too-soon": "web-code-too-soon",
    "too-many": "web-code-too-many",
}


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    return render(request, "login.html", demo=request.app[DEMO], error=None, phone="")


@routes.post("/login")
async def ask_code(request: web.Request) -> web.Response:
    """Send a code to the bound Telegram chat of the number typed in."""
    form = await request.post()
    phone = str(form.get("phone", ""))
    try:
        number = validation.phone(phone)
    except InvalidInput:
        return render(
            request, "login.html", status=400, demo=request.app[DEMO], error="web-phone-bad",
            phone=phone,
        )  # fmt: skip
    rt = runtime(request)
    outcome = await auth.request_code(
        db(request), rt.cipher, translator(request), phone=number, web=rt.settings.web
    )
    return render(request, "code.html", phone=number, notice=CODE_OUTCOMES[outcome], error=None)


@routes.post("/login/code")
async def enter_code(request: web.Request) -> web.Response:
    form = await request.post()
    rt = runtime(request)
    phone, code = str(form.get("phone", "")), str(form.get("code", ""))
    try:
        result = await auth.verify_code(
            db(request), rt.cipher, phone=phone, code=code, web=rt.settings.web
        )
    except InvalidInput:
        result = auth.SignIn("bad")
    if result.cadre is None:
        error = "web-code-locked" if result.outcome == "locked" else "web-code-bad"
        status = 429 if result.outcome == "locked" else 400
        return render(request, "code.html", status=status, phone=phone, notice=None, error=error)
    return await _signed_in(request, result.cadre)


@routes.get("/login/link/{token}")
async def link_page(request: web.Request) -> web.Response:
    """A page with one button: opening a link never signs in by itself (link previews)."""
    return render(request, "link.html", token=request.match_info["token"], error=None)


@routes.post("/login/link/{token}")
async def use_link(request: web.Request) -> web.Response:
    result = await auth.consume_link(
        db(request), runtime(request).cipher, request.match_info["token"]
    )
    if result.cadre is None:
        return render(
            request, "link.html", status=403, token=request.match_info["token"],
            error="web-link-bad",
        )  # fmt: skip
    return await _signed_in(request, result.cadre)


@routes.post("/login/demo")
async def demo_sign_in(request: web.Request) -> web.Response:
    """`yulu run --demo` only: one click signs in the demo administrator."""
    rt = runtime(request)
    if not request.app[DEMO] or rt.settings.env == "production":
        raise web.HTTPNotFound()
    cadre = await cadre_by_phone_hash(db(request), rt.cipher.lookup_hash(DEMO_ADMIN_PHONE))
    if cadre is None:
        raise web.HTTPNotFound()
    return await _signed_in(request, cadre)


async def _signed_in(request: web.Request, cadre: Cadre) -> web.Response:
    cipher, previous = runtime(request).cipher, request.cookies.get(SESSION_COOKIE)
    if previous:  # a new sign-in never keeps an old session id alive (fixation)
        await auth.close_session(db(request), cipher, previous, actor=staff_for(cadre).actor)
    cookie = await auth.open_session(db(request), cipher, cadre)
    response = see_other("/")
    set_cookie(request, response, SESSION_COOKIE, cookie)
    raise response


@routes.post("/logout")
async def sign_out(request: web.Request) -> web.Response:
    staff = request[STAFF]
    await auth.close_session(
        db(request), runtime(request).cipher, request.cookies.get(SESSION_COOKIE),
        actor=staff.actor if staff else "web:anonymous",
    )  # fmt: skip
    response = see_other("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response

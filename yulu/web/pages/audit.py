"""审计: the audit log of the administrator's own region, newest first, filtered by action."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from yulu.storage import console
from yulu.web.context import db, render, runtime, staff
from yulu.web.pages.paging import Pager

routes = web.RouteTableDef()
ACTIONS = ("graduate", "case", "web", "roster", "posting", "campaign", "cadre")


def who(actor: str) -> str:
    """A console actor ("web:cadre:7:赵主任") as its name and id; others as recorded."""
    kind, _, rest = actor.partition("web:cadre:")
    if kind or not rest:
        return actor
    number, _, name = rest.partition(":")
    return f"{name}（#{number}）" if name else actor


@routes.get("/audit")
async def audit_log(request: web.Request) -> web.Response:
    me, session = staff(request), db(request)
    me.require_admin()
    action = request.query.get("action", "")
    query = console.audit_query(action=action if action in ACTIONS else None, area=me.figures)
    pager = Pager.of(request, total=await console.count_rows(session, query))
    zone = ZoneInfo(runtime(request).settings.timezone)
    rows = [
        {
            "at": row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            "actor": who(row.actor),
            "action": row.action,
            "subject": row.subject or "",
            "detail": ", ".join(f"{k}={v}" for k, v in (row.detail or {}).items()),
        }
        for row in await console.page_of(session, query, page=pager.page, size=pager.size)
    ]
    return render(request, "audit.html", rows=rows, pager=pager, actions=ACTIONS, action=action)

"""活动: the seasonal campaigns of config.yml — preview (audience per county, samples), run,
status (queued, sent, failed, answered) — through yulu/services/campaigns.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from yulu.core.errors import NotFound
from yulu.services import audit
from yulu.services import campaigns as campaign_service
from yulu.web.context import db, render, runtime, see_other, staff, translator

routes = web.RouteTableDef()


def _today(request: web.Request):
    return datetime.now(ZoneInfo(runtime(request).settings.timezone)).date()


@routes.get("/campaigns")
async def campaign_list(request: web.Request) -> web.Response:
    staff(request).require_admin()
    t, settings = translator(request), runtime(request).settings
    today = _today(request)
    rows = [
        {
            "name": name,
            "title": t(c.title),
            "window": campaign_service.window_text(t, c),
            "enabled": c.enabled,
            "open": campaign_service.in_window(c, today, tz=settings.timezone),
        }
        for name, c in settings.campaigns.items()
    ]
    return render(request, "campaigns.html", rows=rows)


def _campaign(request: web.Request):
    name = request.match_info["name"]
    campaigns = runtime(request).settings.campaigns
    if name not in campaigns:
        raise NotFound(f"campaign {name}")
    return name, campaigns[name]


async def _report(request: web.Request, *, dry_run: bool):
    name, campaign = _campaign(request)
    rt, t = runtime(request), translator(request)
    return await campaign_service.run_campaign(
        rt.session_factory, t, name=name, campaign=campaign, today=_today(request),
        tz=rt.settings.timezone, dry_run=dry_run, samples=3 if dry_run else 0,
    )  # fmt: skip


@routes.get("/campaigns/{name}")
async def campaign_page(request: web.Request) -> web.Response:
    """Status of this year's edition; preview on demand (?preview=1: counts, sends nothing)."""
    me, session, t = staff(request), db(request), translator(request)
    me.require_admin()
    name, campaign = _campaign(request)
    edition = campaign_service.edition_of(campaign, _today(request))
    status = await campaign_service.campaign_status(session, name=name, edition=edition)
    preview = await _report(request, dry_run=True) if request.query.get("preview") else None
    answers = [
        (campaign_service.answer_label(t, campaign, value), count)
        for value, count in status.answers.items()
    ]
    return render(
        request, "campaign.html", name=name, title=t(campaign.title), edition=edition,
        state=status, answers=answers, preview=preview, enabled=campaign.enabled,
        ran=request.query.get("ran"),
    )  # fmt: skip


@routes.post("/campaigns/{name}/run")
async def run(request: web.Request) -> web.Response:
    me = staff(request)
    me.require_admin()
    name, campaign = _campaign(request)
    if not campaign.enabled:
        raise NotFound(f"campaign {name} is disabled")
    report = await _report(request, dry_run=False)
    audit.record(
        db(request), actor=me.actor, action="campaign.web_run", subject=name,
        edition=report.edition, enqueued=report.enqueued,
    )  # fmt: skip
    raise see_other(f"/campaigns/{name}?ran={report.enqueued}")

"""概览: the scope's headline figures and trend charts.

The definitions are those of `yulu report` (yulu/services/reports.py): 就业率 is the share
employed or self-employed among those who answered, 应答率 answered ÷ asked check-ins, per month.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from yulu.storage import console
from yulu.web import charts
from yulu.web.context import db, render, runtime, staff, translator

routes = web.RouteTableDef()
MONTHS = 6


def last_months(today: date, count: int = MONTHS) -> list[str]:
    """The `count` months up to this one, oldest first (YYYY-MM)."""
    index = today.year * 12 + today.month - 1
    return [f"{(i // 12):04d}-{(i % 12) + 1:02d}" for i in range(index - count + 1, index + 1)]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    me, session, t = staff(request), db(request), translator(request)
    settings = runtime(request).settings
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    months = last_months(today)
    statuses = await console.status_counts(session, me.figures)
    monthly = await console.monthly_check_ins(session, me.figures, months)
    sla_cutoff = datetime.now(UTC) - timedelta(hours=settings.cases.ack_sla_hours)
    cases = await console.case_figures(session, me.reach, overdue_before=sla_cutoff)
    labels = [m[5:] + t("web-month-suffix") for m in months]
    empty = {"asked": 0, "answered": 0, "working": 0}
    rows = [monthly.get(m, empty) for m in months]
    employment = [_share(r["working"], r["answered"]) for r in rows]
    response = [_share(r["answered"], r["asked"]) for r in rows]
    this = rows[-1]
    opened = Counter(
        moment.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m")
        for moment in await console.cases_opened_since(
            session, me.reach, datetime.now(UTC) - timedelta(days=31 * MONTHS)
        )
    )
    figures = [
        ("web-fig-graduates", str(sum(statuses.values()))),
        ("web-fig-employment", percent(_share(this["working"], this["answered"]))),
        ("web-fig-response", percent(_share(this["answered"], this["asked"]))),
        ("web-fig-open-cases", str(cases["open"])),
        ("web-fig-overdue", str(cases["overdue"])),
        ("web-fig-resolved", str(cases["resolved"])),
    ]
    trend = charts.line_chart(
        t("web-chart-trend"),
        labels,
        [(t("web-chart-employment"), employment), (t("web-chart-response"), response)],
        empty=t("web-chart-empty"),
    )
    bars = charts.bar_chart(t("web-chart-cases"), labels, [opened.get(m, 0) for m in months])
    status_rows = [(t(f"status-{code}"), count) for code, count in sorted(statuses.items())]
    return render(
        request,
        "dashboard.html",
        figures=figures,
        trend=trend,
        bars=bars,
        status_rows=status_rows,
        period=months[-1],
    )

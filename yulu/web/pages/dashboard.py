"""概览: the scope's headline figures and trend charts.

The definitions are those of `yulu report` (yulu/services/reports.py): 就业率 is the share
employed or self-employed among those who answered, 应答率 answered ÷ asked check-ins, per month.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from yulu.services import reports
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
    if me.figures.province:  # a region: `yulu report`'s own figures for it
        headline, trend_rows = await _region_figures(request, months)
    else:  # a cadre's own graduates: the same definitions, over their caseload
        headline, trend_rows = await _own_figures(request, months)
    sla_cutoff = datetime.now(UTC) - timedelta(hours=settings.cases.ack_sla_hours)
    cases = await console.case_figures(session, me.reach, overdue_before=sla_cutoff)
    labels = [m[5:] + t("web-month-suffix") for m in months]
    opened = Counter(
        moment.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m")
        for moment in await console.cases_opened_since(
            session, me.reach, datetime.now(UTC) - timedelta(days=31 * MONTHS)
        )
    )
    figures = [
        *headline,
        ("web-fig-open-cases", str(cases["open"])),
        ("web-fig-overdue", str(cases["overdue"])),
        ("web-fig-resolved", str(cases["resolved"])),
    ]
    trend = charts.line_chart(
        t("web-chart-trend"),
        labels,
        [
            (t("web-chart-employment"), [row[0] for row in trend_rows]),
            (t("web-chart-response"), [row[1] for row in trend_rows]),
        ],
        empty=t("web-chart-empty"),
    )
    bars = charts.bar_chart(t("web-chart-cases"), labels, [opened.get(m, 0) for m in months])
    statuses = await console.status_counts(session, me.figures)
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


Trend = list[tuple[float | None, float | None]]  # (就业率, 应答率) per month


async def _region_figures(
    request: web.Request, months: list[str]
) -> tuple[list[tuple[str, str]], Trend]:
    """台账人数, 已登记, this month's 就业率 and 应答率, and the monthly trend, from reports."""
    area, settings = staff(request).figures, runtime(request).settings
    scope = reports.Scope(province=area.province, city=area.city, county=area.county)
    session = db(request)
    month = await reports.summary(
        session, scope=scope, period=reports.Period.month(months[-1]),
        sla_hours=settings.cases.ack_sla_hours, tz=settings.timezone,
    )  # fmt: skip
    rows = await reports.by_month(
        session, scope=scope, period=reports.Period(months[0], months[-1])
    )
    total = month.total
    headline = [
        ("web-fig-people", str(total.people)),
        ("web-fig-graduates", str(total.signed_up)),
        ("web-fig-employment", percent(total.employment_rate)),
        ("web-fig-response", percent(total.response_rate)),
    ]
    by_period = {row.period: (row.employment_rate, row.response_rate) for row in rows}
    return headline, [by_period.get(m, (None, None)) for m in months]


async def _own_figures(
    request: web.Request, months: list[str]
) -> tuple[list[tuple[str, str]], Trend]:
    """The cadre's own graduates: how many, this month's 就业率 and 应答率, the trend."""
    area, session = staff(request).figures, db(request)
    statuses = await console.status_counts(session, area)
    monthly = await console.monthly_check_ins(session, area, months)
    empty = {"asked": 0, "answered": 0, "working": 0}
    rows = [monthly.get(m, empty) for m in months]
    trend = [(_share(r["working"], r["answered"]), _share(r["answered"], r["asked"])) for r in rows]
    headline = [
        ("web-fig-graduates", str(sum(statuses.values()))),
        ("web-fig-employment", percent(trend[-1][0])),
        ("web-fig-response", percent(trend[-1][1])),
    ]
    return headline, trend

"""`yulu report summary | tracer | annual`: the figures (成效评估) and the annual evaluation."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from yulu.commands.common import (
    ConfigOption,
    console,
    emit_table,
    error_text,
    out,
    run_with_runtime,
    settings_for,
)
from yulu.core.errors import InvalidInput
from yulu.core.i18n import Translator, get_translator
from yulu.services import annual, reports
from yulu.services.context import Runtime
from yulu.services.reports import DIMENSIONS, Period, scope_for

report_app = typer.Typer(
    help="Figures (成效评估): summary per group, tracer indicators, the annual report.",
    no_args_is_help=True,
)
RegionOption = Annotated[
    str | None, typer.Option("--region", help="A province, city or county, e.g. 邵阳 or 隆回县.")
]
CsvOption = Annotated[bool, typer.Option("--csv", help="CSV on standard output.")]

# (SummaryRow field, locale key, how it is shown)
SUMMARY_COLUMNS = (
    ("people", "report-col-people", "n"),
    ("new_labour", "report-col-new_labour", "n"),
    ("signed_up", "report-col-signed_up", "n"),
    ("verified", "report-col-verified", "n"),
    ("reachable", "report-col-reachable", "n"),
    ("response_rate", "report-col-response_rate", "%"),
    ("respondents", "report-col-respondents", "n"),
    ("employment_rate", "report-col-employment_rate", "%"),
    ("placement_rate", "report-col-placement_rate", "%"),
    ("cases", "report-col-cases", "n"),
    ("lost_job_cases", "report-col-lost_job_cases", "n"),
    ("ack_median_hours", "report-col-ack_median_hours", "h"),
    ("ack_p90_hours", "report-col-ack_p90_hours", "h"),
    ("resolve_median_hours", "report-col-resolve_median_hours", "h"),
    ("resolve_p90_hours", "report-col-resolve_p90_hours", "h"),
    ("within_sla", "report-col-within_sla", "%"),
    ("income_median_band", "report-col-income_median_band", "band"),
    ("income_pairs", "report-col-income_pairs", "n"),
    ("income_rose", "report-col-income_rose", "n"),
    ("income_fell", "report-col-income_fell", "n"),
    ("notices", "report-col-notices", "n"),
    ("interest", "report-col-interest", "n"),
)
TRACER_COLUMNS = (
    ("cohort", "report-col-cohort", "n"),
    ("months_after", "report-col-months_after", "n"),
    ("period", "report-col-period", "s"),
    ("respondents", "report-col-respondents", "n"),
    ("employment_rate", "report-col-employment_rate", "%"),
    ("stable_rate", "report-col-stable_rate", "%"),
)


def shown(t: Translator, value: Any, how: str) -> str:
    """A figure as people read it: 85.0%, 12.5 (hours), a band's name, — for none."""
    if value is None:
        return "—"
    if how == "%":
        return f"{value * 100:.1f}%"
    if how == "h":
        return f"{value:.1f}"
    if how == "band":
        return t(f"checkin-income-{value}")
    return str(value)


def group_label(t: Translator, value: Any) -> str:
    """The group's name: 合计 for the total, 是/否 for yes/no groups."""
    if value is None:
        return t("report-total")
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    return str(value) if value != "" else t("report-blank")


def _emit(header: list[str], rows: list[list[str]], *, as_csv: bool, empty: str) -> None:
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerows([header, *rows])
        return
    emit_table(header, rows, empty=empty)


@report_app.command("summary")
def summary(
    ctx: typer.Context,
    by: Annotated[
        str | None, typer.Option(help=f"Group by: {', '.join(DIMENSIONS)} (default: total).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="The year (default: this year).")] = None,
    month: Annotated[str | None, typer.Option(help="One month, YYYY-MM.")] = None,
    region: RegionOption = None,
    as_csv: CsvOption = False,
    config: ConfigOption = None,
) -> None:
    """People, sign-ups, response rate, 就业率, 去向落实率, cases, income, notices (see README)."""
    settings = settings_for(ctx, config)
    t = get_translator()
    if by is not None and by not in DIMENSIONS:
        console.print(f"[red]--by: {', '.join(DIMENSIONS)}[/]")
        raise typer.Exit(2)
    try:
        period = Period.of(year=year, month=month, today=date.today())
    except InvalidInput as exc:
        console.print(f"[red]{error_text(exc)}[/]")
        raise typer.Exit(2) from exc

    async def work(runtime: Runtime) -> reports.Summary:
        async with runtime.session_factory() as session:
            return await reports.summary(
                session,
                scope=scope_for(region),
                period=period,
                by=by,
                sla_hours=settings.cases.ack_sla_hours,
                tz=settings.timezone,
            )

    result = run_with_runtime(settings, work)
    header = [t("report-col-group")] + [t(key) for _, key, _ in SUMMARY_COLUMNS]
    rows = [
        [group_label(t, row.group)]
        + [shown(t, getattr(row, f), how) for f, _, how in SUMMARY_COLUMNS]
        for row in [*result.rows, result.total]
    ]
    if not as_csv:
        out.print(t("report-summary-title", first=period.first, last=period.last))
    _emit(header, rows, as_csv=as_csv, empty=t("report-none"))


@report_app.command("tracer")
def tracer(
    ctx: typer.Context,
    region: RegionOption = None,
    cohorts: Annotated[
        list[int] | None, typer.Option("--cohort", help="Graduation year (repeatable).")
    ] = None,
    as_csv: CsvOption = False,
    config: ConfigOption = None,
) -> None:
    """Employed 1, 6 and 12 months after graduation per cohort, and stable among them."""
    settings = settings_for(ctx, config)
    t = get_translator()
    this_year = date.today().year
    years = cohorts or list(range(this_year - 3, this_year + 1))

    async def work(runtime: Runtime) -> list[reports.TracerRow]:
        async with runtime.session_factory() as session:
            return await reports.tracer(
                session,
                scope=scope_for(region),
                cohorts=years,
                graduation_month=settings.report.graduation_month,
                months_after=settings.report.tracer_months,
            )

    rows = [
        [shown(t, getattr(row, f), how) for f, _, how in TRACER_COLUMNS]
        for row in run_with_runtime(settings, work)
    ]
    _emit([t(key) for _, key, _ in TRACER_COLUMNS], rows, as_csv=as_csv, empty=t("report-none"))


@report_app.command("annual")
def annual_report(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="The year evaluated.")],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.pdf or FILE.html.")],
    region: RegionOption = None,
    config: ConfigOption = None,
) -> None:
    """The annual evaluation (成效评估) in Chinese with charts, findings and definitions."""
    settings = settings_for(ctx, config)
    t = get_translator()
    if out_file.suffix.lower() not in (".pdf", ".html"):
        console.print("[red]--out: FILE.pdf or FILE.html[/]")
        raise typer.Exit(2)

    async def work(runtime: Runtime) -> annual.AnnualReport:
        async with runtime.session_factory() as session:
            return await annual.build(
                session,
                t,
                year=year,
                region=region,
                settings=settings,
            )

    document = run_with_runtime(settings, work)
    try:
        annual.write(document, out_file, t=t, font=settings.report.font_path)
    except InvalidInput as exc:
        console.print(f"[red]{error_text(exc)}[/]")
        raise typer.Exit(1) from exc
    out.print(t("report-annual-done", path=str(out_file)))

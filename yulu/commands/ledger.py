"""`yulu ledger export` and `yulu regions key-counties`: the ledger (台账) and its regions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn

from yulu.commands.common import (
    ConfigOption,
    console,
    error_text,
    out,
    run_with_runtime,
    settings_for,
)
from yulu.core.errors import InvalidInput
from yulu.core.i18n import get_translator
from yulu.services import ledger
from yulu.services.context import Runtime
from yulu.services.reports import Period, add_months, month_of, scope_for

ledger_app = typer.Typer(
    help="The ledger (台账): every person the county knows, with months, cases and jobs.",
    no_args_is_help=True,
)
regions_app = typer.Typer(
    help="Regions: the list of 国家乡村振兴重点帮扶县 (key counties).", no_args_is_help=True
)
RegionOption = Annotated[
    str | None, typer.Option("--region", help="A province, city or county, e.g. 邵阳 or 隆回县.")
]


def period_from(first: str | None, last: str | None, today: date) -> Period:
    """--from/--to as a Period; default: the twelve months up to this one."""
    end = month_of(last) if last else today.strftime("%Y-%m")
    start = month_of(first) if first else add_months(end, -11)
    if start > end:
        raise InvalidInput("month", f"--from {start} is after --to {end}")
    return Period(start, end)


@ledger_app.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Output .xlsx (four sheets) or .csv file.")],
    region: RegionOption = None,
    first: Annotated[
        str | None, typer.Option("--from", help="First month, YYYY-MM (default: 11 months ago).")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last month, YYYY-MM (default: this month).")
    ] = None,
    full: Annotated[
        bool, typer.Option(help="Unmasked phones and ID numbers (audit-logged).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Export the ledger: 人员台账, 月度状态 (one column a month), 帮扶清单, 就业清单.

    XLSX: one sheet each. CSV: the people with their months in FILE, the cases and the job
    notices in FILE-帮扶清单.csv and FILE-就业清单.csv. Streams: memory stays flat."""
    settings = settings_for(ctx, config)
    t = get_translator()
    try:
        period = period_from(first, last, date.today())
    except InvalidInput as exc:
        console.print(f"[red]{error_text(exc)}[/]")
        raise typer.Exit(2) from exc

    async def work(runtime: Runtime) -> ledger.LedgerExport:
        with Progress(
            TextColumn(t("ledger-export-progress")),
            BarColumn(),
            TextColumn("{task.completed}"),
            console=console,
        ) as progress:
            task = progress.add_task("", total=None)
            return await ledger.export_ledger(
                runtime.session_factory,
                runtime.cipher,
                t,
                file,
                scope=scope_for(region),
                period=period,
                full=full,
                actor="cli:ledger",
                tz=settings.timezone,
                batch=settings.report.batch_size,
                intention_campaign=settings.report.intention_campaign,
                on_rows=lambda n: progress.advance(task, n),
            )

    report = run_with_runtime(settings, work)
    if full:
        console.print(f"[yellow]{t('export-full-warning')}[/]")
    paths = ", ".join(str(p) for p in report.paths)
    out.print(
        t(
            "ledger-export-done",
            people=report.people,
            cases=report.cases,
            jobs=report.jobs,
            paths=paths,
        )
    )


@regions_app.command("key-counties")
def key_counties(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV/XLSX with a 县 column (省, 市 optional).")],
    config: ConfigOption = None,
) -> None:
    """Import the list of 重点帮扶县: exactly the counties in FILE become key counties."""
    settings = settings_for(ctx, config)
    t = get_translator()
    if not file.exists():
        console.print(f"[red]文件不存在 / no such file:[/] {file}")
        raise typer.Exit(2)

    async def work(runtime: Runtime) -> ledger.KeyCountyImport:
        async with runtime.session_factory.begin() as session:
            return await ledger.import_key_counties(session, file, actor="cli:regions")

    report = run_with_runtime(settings, work, invalid_exit=2)
    for row, name in report.unknown:
        out.print(t("regions-key-counties-unknown", row=row, name=name))
    out.print(t("regions-key-counties-done", count=len(set(report.counties))))

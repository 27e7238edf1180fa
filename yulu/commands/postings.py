"""`yulu import postings`, `yulu match run [--dry-run]`, `yulu export interest`: jobs (岗位)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from yulu.commands.audit import OperatorOption, operator_actor
from yulu.commands.common import (
    ConfigOption,
    console,
    emit_table,
    import_with_progress,
    out,
    run_with_runtime,
    settings_for,
)
from yulu.commands.people import FileArg, export_app, import_app
from yulu.core.i18n import get_translator
from yulu.services import matching, postings
from yulu.services.context import Runtime

match_app = typer.Typer(
    help="Matching (供需匹配): job and internship notices, now or previewed.", no_args_is_help=True
)


@import_app.command("postings")
def import_postings(ctx: typer.Context, file: FileArg, config: ConfigOption = None) -> None:
    """Import postings (岗位): columns 岗位编号 (optional), 单位名称, 单位性质, 岗位名称, 岗位类型
    (全职/实习/见习/定向班), 工作地点, 专业要求 (;-separated, or 不限), 学历要求, 薪资下限,
    薪资上限, 招聘人数, 截止日期, 报名方式, 备注 (English aliases accepted). Good rows go in;
    every bad row is reported with its row number; importing again updates, never duplicates."""
    settings = settings_for(ctx, config)
    if not file.exists():
        console.print(f"[red]文件不存在 / no such file:[/] {file}")
        raise typer.Exit(2)
    t = get_translator()
    today = datetime.now(ZoneInfo(settings.timezone)).date()

    async def run(runtime: Runtime, on_rows: Callable[[int], None]) -> postings.ImportReport:
        return await postings.import_postings(
            runtime.session_factory, file, today=today, on_rows=on_rows
        )

    report = import_with_progress(settings, file, run)
    out.print(
        t(
            "postings-summary",
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            errors=len(report.errors),
        )
    )


@match_app.command("run")
def match_run(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option(help="Print notices per county and samples; send nothing.")
    ] = False,
    samples: Annotated[int, typer.Option(help="How many notices to print as samples.")] = 3,
    config: ConfigOption = None,
) -> None:
    """Match graduates with open postings now and enqueue the notices (a running `yulu run`
    sends them). Safe to repeat: a posting reaches a graduate once; the weekly cap holds."""
    settings = settings_for(ctx, config)
    t = get_translator()

    async def work(runtime: Runtime) -> matching.MatchReport:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task("匹配 / matching", total=None)
            return await matching.run_matching(
                runtime.session_factory,
                t,
                settings=settings,
                dry_run=dry_run,
                now=datetime.now(UTC),
                samples=samples,
                on_batch=lambda n: progress.advance(task, n),
            )

    report = run_with_runtime(settings, work)
    out.print(
        t(
            "match-housekeeping",
            graduates=report.trades_refreshed,
            postings=report.postings_refreshed,
            cancelled=report.expired_cancelled,
        )
    )
    if report.per_county:
        out.print(t("match-county-title"))
        rows = [[county, str(count)] for county, count in report.per_county.most_common()]
        emit_table([t("column-hukou"), t("column-notices")], rows, empty="")
    for number, text in enumerate(report.samples, start=1):
        out.print(t("match-sample-title", number=number))
        out.print(text, markup=False)
    key = "match-summary-dry" if dry_run else "match-summary"
    out.print(
        t(
            key,
            week=report.week,
            graduates=report.graduates,
            notices=report.notices,
            seconds=f"{report.seconds:.1f}",
        )
    )


@export_app.command("interest")
def export_interest(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Output .csv or .xlsx file.")],
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Export every 感兴趣/报名 (who, which posting, which cadre was told) with Chinese headers;
    phones masked; the export is audit-logged with the operator's name."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()

    async def work(runtime: Runtime) -> int:
        async with runtime.session_factory.begin() as session:
            return await matching.export_interest(
                session, runtime.cipher, t, file, tz=settings.timezone, actor=actor
            )

    count = run_with_runtime(settings, work)
    out.print(t("interest-export-done", count=count, path=str(file)))

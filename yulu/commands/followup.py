"""`yulu checkin`, `yulu cases` and `yulu export cases`: the monthly round and the 帮扶清单."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from yulu.commands.audit import OperatorOption, operator_actor
from yulu.commands.common import (
    ConfigOption,
    console,
    emit_table,
    out,
    run_with_runtime,
    settings_for,
)
from yulu.commands.people import export_app
from yulu.core.errors import NotFound
from yulu.core.i18n import get_translator
from yulu.services import audit, cases, checkin
from yulu.services.context import Runtime
from yulu.services.tabular import table_writer
from yulu.storage.cases import cases_query
from yulu.storage.models import Case
from yulu.storage.people import stream

checkin_app = typer.Typer(help="The monthly check-in (就业状态跟踪).", no_args_is_help=True)
cases_app = typer.Typer(
    help="Cases (帮扶清单): who needs a person, and what was done.", no_args_is_help=True
)
CASE_COLUMNS = (
    "id",
    "graduate",
    "phone",
    "hukou",
    "reason",
    "status",
    "cadre",
    "opened_at",
    "acknowledged_at",
    "resolved_at",
    "outcome",
)
EXPORT_COLUMNS = (*CASE_COLUMNS, "path", "notes")
HISTORY_COLUMNS = ("at", "who", "what", "note")


@checkin_app.command("run")
def checkin_run(
    ctx: typer.Context,
    period: Annotated[
        str | None, typer.Option(help="Month as YYYY-MM (default: this month).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Print the audience per county; send nothing.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Run a check-in round now. Safe to repeat: nobody is asked twice for one month. A running
    `yulu run` sends what this enqueues within seconds."""
    settings = settings_for(ctx, config)
    period = period or checkin.period_of(datetime.now(UTC), settings.timezone)
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        console.print(f"[red]--period 应为 YYYY-MM，例如 2026-11（收到 {period}）[/]")
        raise typer.Exit(2)
    t = get_translator()

    async def work(runtime: Runtime) -> checkin.RoundReport:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task(t("checkin-cli-progress", period=period), total=None)
            return await checkin.run_round(
                runtime.session_factory,
                t,
                period=period,
                dry_run=dry_run,
                on_batch=lambda n: progress.advance(task, n),
            )

    report = run_with_runtime(settings, work)
    table = Table(t("column-hukou"), t("checkin-cli-audience"))
    for county, count in sorted(report.per_county.items()):
        table.add_row(county, str(count))
    out.print(table)
    key = "checkin-cli-dry-run" if dry_run else "checkin-cli-done"
    out.print(t(key, period=period, audience=report.audience, enqueued=report.enqueued))


@cases_app.command("list")
def cases_list(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only cases not yet resolved.")] = False,
    region: Annotated[
        str | None, typer.Option(help="Only graduates whose 户籍地 contains this.")
    ] = None,
    stuck: Annotated[
        bool, typer.Option("--stuck", help="Only open cases that reached nobody reachable.")
    ] = False,
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """List cases, newest first (phones masked); --stuck: those nobody on the chain can get."""
    settings = settings_for(ctx, config)
    operator_actor(settings, operator)
    t = get_translator()
    query = cases_query(open_only=open_only, region=region, stuck_only=stuck)

    async def work(runtime: Runtime) -> list[list[str]]:
        rows = []
        async with runtime.session_factory() as session:
            async for case in stream(session, query):
                row = cases.case_row(case, runtime.cipher, t, tz=settings.timezone)
                rows.append([str(row[c]) for c in CASE_COLUMNS])
        return rows

    emit_table(
        [t(f"case-column-{c}") for c in CASE_COLUMNS],
        run_with_runtime(settings, work),
        empty=t("case-list-empty"),
    )


@cases_app.command("show")
def cases_show(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(help="The case number (#).")],
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """One case (phone masked) and every event of it: when, who, what, the note (audit-logged)."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()

    async def work(runtime: Runtime) -> tuple[dict, list[dict[str, str]]]:
        async with runtime.session_factory.begin() as session:
            case = await session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case {case_id}")
            audit.record(session, actor=actor, action="case.view", subject=f"case:{case_id}")
            row = cases.case_row(case, runtime.cipher, t, tz=settings.timezone)
            return row, await cases.history(session, t, case, tz=settings.timezone)

    row, events = run_with_runtime(settings, work)
    for column in CASE_COLUMNS:
        out.print(f"{t(f'case-column-{column}')}: {row[column]}")
    emit_table(
        [t(f"case-history-column-{c}") for c in HISTORY_COLUMNS],
        [[e[c] for c in HISTORY_COLUMNS] for e in events],
        empty=t("case-history-none"),
    )


@export_app.command("cases")
def export_cases(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Output .csv or .xlsx file.")],
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Export every case with Chinese headers (phones masked), the escalation path and every
    note (audit-logged)."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()

    async def work(runtime: Runtime) -> int:
        count = 0
        with table_writer(file, [t(f"case-column-{c}") for c in EXPORT_COLUMNS]) as write:
            async with runtime.session_factory() as session:
                async for case in stream(session, cases_query()):
                    row = await cases.export_row(
                        session, case, runtime.cipher, t, tz=settings.timezone
                    )
                    write([row[c] for c in EXPORT_COLUMNS])
                    count += 1
            async with runtime.session_factory.begin() as session:
                audit.record(
                    session, actor=actor, action="case.export", subject=file.name, rows=count
                )
        return count

    out.print(t("export-done", count=run_with_runtime(settings, work), path=str(file)))

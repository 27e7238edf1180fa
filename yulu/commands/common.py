"""What every command shares: the --config option, settings, the database runtime, output."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from yulu.core.config import Settings, load_settings
from yulu.core.errors import InvalidInput, YuluError
from yulu.core.i18n import get_translator
from yulu.services.tabular import count_data_rows

if TYPE_CHECKING:
    from yulu.services.context import Runtime

T = TypeVar("T")
console = Console(stderr=True)
out = Console()

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Path to config.yml (default: ./config.yml, or $YULU_CONFIG).",
        exists=False,
        dir_okay=False,
    ),
]


def settings_for(ctx: typer.Context, config: Path | None) -> Settings:
    """Settings from --config given here, or those the root command already loaded."""
    if config is not None:
        ctx.obj = load_settings(config)
    elif not isinstance(ctx.obj, Settings):
        ctx.obj = load_settings(None)
    return ctx.obj


def run_with_runtime(
    settings: Settings, work: Callable[..., Awaitable[T]], *, invalid_exit: int = 1
) -> T:
    """Open the database and cipher, run `work(runtime)`, render domain errors as exit 1.

    `invalid_exit`: the exit code of an InvalidInput (2 for a file that is not the table the
    command needs, as for a missing file)."""
    from yulu.runtime import prepare_database
    from yulu.services.context import open_runtime

    async def main() -> T:
        async with open_runtime(settings) as runtime:
            return await work(runtime)

    try:
        prepare_database(settings)  # as `yulu run`: a SQLite file is brought to the schema
        return asyncio.run(main())
    except YuluError as exc:
        console.print(f"[red]错误 / error:[/] {error_text(exc)}")
        raise typer.Exit(invalid_exit if isinstance(exc, InvalidInput) else 1) from exc


class ImportReport(Protocol):
    """What a roster or postings import reports back, row by row."""

    errors: list[tuple[int, str]]
    warnings: list[tuple[int, str]]


R = TypeVar("R", bound=ImportReport)


def import_with_progress(
    settings: Settings, file: Path, run: Callable[[Runtime, Callable[[int], None]], Awaitable[R]]
) -> R:
    """Run an import with a progress bar, then list every bad row and warning by row number.

    `run(runtime, on_rows)` does the import and calls `on_rows(n)` as rows go in. A file that
    cannot be read at all exits 2; the caller prints its own summary.
    """
    t = get_translator()
    try:
        total = count_data_rows(file)
    except InvalidInput as exc:  # not a table at all (a folder, a .doc, a broken .xlsx)
        console.print(f"[red]{error_text(exc)}[/]")
        raise typer.Exit(2) from exc

    async def work(runtime: Runtime) -> R:
        with Progress(
            TextColumn(t("import-progress") + " {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(file.name, total=total)
            return await run(runtime, lambda n: progress.advance(task, n))

    report = run_with_runtime(settings, work, invalid_exit=2)
    for row, reason in report.errors:
        out.print(t("import-bad-row", row=row, reason=row_reason(reason)))
    for row, reason in report.warnings:
        out.print(t("import-warning-row", row=row, reason=row_reason(reason)))
    return report


def error_text(exc: YuluError) -> str:
    """A domain error as the operator reads it: the locale's text for its reason, if any."""
    if isinstance(exc, InvalidInput) and get_translator().has(f"reason-{exc.reason}"):
        return row_reason(exc.reason, **exc.args_for_text)
    return str(exc)


def row_reason(code: str, **args: object) -> str:
    """A row problem's code as the operator reads it (the code itself when it has no text)."""
    t = get_translator()
    key = f"reason-{code}"
    return t(key, **args) if t.has(key) else code


def emit_table(header: list[str], rows: list[list[str]], *, empty: str) -> None:
    """A rich table on a terminal; tab-separated lines when piped (nothing cut off)."""
    if not rows:
        out.print(empty)
        return
    if not out.is_terminal:
        for line in [header, *rows]:
            print("\t".join(line))
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    out.print(table)

"""What every command shares: the --config option, settings, the database runtime, output."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from yulu.core.config import Settings, load_settings
from yulu.core.errors import YuluError

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


def run_with_runtime(settings: Settings, work: Callable[..., Awaitable[T]]) -> T:
    """Open the database and cipher, run `work(runtime)`, render domain errors as exit 1."""
    from yulu.services.context import open_runtime

    async def main() -> T:
        async with open_runtime(settings) as runtime:
            return await work(runtime)

    try:
        return asyncio.run(main())
    except YuluError as exc:
        console.print(f"[red]错误 / error:[/] {exc}")
        raise typer.Exit(1) from exc


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

"""The `yulu` command: run the bot, manage the database, import, export and operate."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from rich.console import Console

from yulu.commands.common import ConfigOption, settings_for
from yulu.core.config import ConfigError
from yulu.core.errors import YuluError
from yulu.storage import migrate
from yulu.storage.engine import create_engine

console = Console(stderr=True)
app = typer.Typer(
    name="yulu",
    help="雨露 Yulu: the 雨露计划+ employment-support bot and its operator tools.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="Database schema: upgrade to the newest migration, show the current one.")
app.add_typer(db_app, name="db")


def _register_groups() -> None:
    """Mount the command groups that live in yulu/commands/."""
    from yulu.commands import campaign, followup, nlu, people, postings, web

    app.add_typer(people.import_app, name="import")
    app.add_typer(people.export_app, name="export")
    app.add_typer(people.cadre_app, name="cadre")
    app.add_typer(people.graduates_app, name="graduates")
    app.add_typer(followup.checkin_app, name="checkin")
    app.add_typer(followup.cases_app, name="cases")
    app.add_typer(postings.match_app, name="match")
    app.add_typer(nlu.app, name="nlu")
    app.add_typer(campaign.campaign_app, name="campaign")
    from yulu.commands import audit, scheduled

    app.add_typer(audit.audit_app, name="audit")
    app.add_typer(scheduled.jobs_app, name="jobs")
    app.add_typer(web.web_app, name="web")
    _register_ledger()


def _register_ledger() -> None:
    """The ledger (台账), its regions and the figures (成效评估)."""
    from yulu.commands import ledger, report

    app.add_typer(ledger.ledger_app, name="ledger")
    app.add_typer(ledger.regions_app, name="regions")
    app.add_typer(report.report_app, name="report")


# Libraries that log every migration step, scheduled run and HTTP call at INFO.
ROUTINE_LOGGERS = (
    "alembic",
    "apscheduler",
    "aiogram.dispatcher",
    "aiogram.event",
    "sandbox.access",
)


@app.callback()
def main(ctx: typer.Context, config: ConfigOption = None, verbose: bool = False) -> None:
    """Load config.yml (or --config PATH) and the YULU_* environment."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:  # routine chatter of the libraries; --verbose shows it again
        for name in ROUTINE_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        ctx.obj = settings_for(ctx, config)
    except ConfigError as exc:
        console.print(f"[red]配置错误 / config error:[/] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def run(
    ctx: typer.Context,
    config: ConfigOption = None,
    demo: Annotated[bool, typer.Option(help="Load the demo data set into the sandbox.")] = False,
) -> None:
    """Serve the bot. Without a token, start the local sandbox chat and print its URL."""
    from yulu.runtime import serve

    settings = settings_for(ctx, config)
    logging.getLogger().setLevel(settings.log_level)
    try:
        serve(settings, demo=demo)
    except YuluError as exc:
        console.print(f"[red]无法启动 / cannot start:[/] {exc}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        console.print("stopped")


@db_app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    config: ConfigOption = None,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply schema migrations up to REVISION (default: the newest)."""
    settings = settings_for(ctx, config)
    migrate.upgrade(settings.database_url, revision)
    console.print(f"[green]database at {_current(settings.database_url)}[/]")


@db_app.command("current")
def db_current(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Print the schema revision the database is at, and the newest one available."""
    settings = settings_for(ctx, config)
    current = _current(settings.database_url)
    head = migrate.head_revision()
    state = "up to date" if current == head else "needs `yulu db upgrade`"
    typer.echo(f"current: {current or '(empty database)'}  head: {head}  ({state})")


def _current(database_url: str) -> str | None:
    async def read() -> str | None:
        engine = create_engine(database_url)
        try:
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


_register_groups()


def entry() -> None:  # pragma: no cover - console script shim
    app()


if __name__ == "__main__":  # pragma: no cover
    app()

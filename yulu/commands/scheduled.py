"""`yulu jobs list` and `yulu jobs run NAME [--at …]`: the scheduler's jobs, by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select

from yulu.commands.common import (
    ConfigOption,
    console,
    emit_table,
    out,
    run_with_runtime,
    settings_for,
)
from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.services.context import Runtime
from yulu.services.scheduled import configured_jobs, job_functions
from yulu.services.scheduler import Calendar, Job, next_fire_time
from yulu.storage.models import SchedulerRun

JOB_COLUMNS = ("name", "cron", "last", "next")
jobs_app = typer.Typer(
    help="Scheduled jobs: list them with their last and next runs, run one now.",
    no_args_is_help=True,
)


def _at(text: str | None, tz: str) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        console.print(f'[red]--at: "YYYY-MM-DD HH:MM" (local time), got {text!r}[/]')
        raise typer.Exit(2) from None
    return moment.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _messages(settings: Settings) -> tuple[Any, Any]:
    """A Bot and a Telegram editor for case_reveals (the token's Bot, or the local sandbox's);
    imported only when needed, aiogram being slow to import."""
    from yulu.bot.app import create_bot
    from yulu.bot.editing import TelegramCaseMessages
    from yulu.core.config import SANDBOX_TOKEN

    if settings.uses_sandbox:
        token = SANDBOX_TOKEN
        api = f"http://{settings.sandbox.host}:{settings.sandbox.port}"
    else:
        token, api = settings.telegram.token.get_secret_value(), settings.telegram.api_base
    bot = create_bot(token, api)
    return bot, TelegramCaseMessages(bot, get_translator())


@jobs_app.command("run")
def jobs_run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="case_sla, checkin_reminders, lost_contact, …")],
    at: Annotated[
        str | None,
        typer.Option(help='Run as if at this local time, "YYYY-MM-DD HH:MM" (drills).'),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Run one scheduled job once, now (or as if at --at). It only decides and enqueues; a
    running `yulu run` sends what it queued."""
    settings = settings_for(ctx, config)
    t = get_translator()
    fired = _at(at, settings.timezone)

    async def work(runtime: Runtime) -> object:
        bot = None
        messages = None
        if name == "case_reveals":
            bot, messages = _messages(settings)
        try:
            functions = job_functions(runtime, t, messages=messages)
            if name not in functions:
                console.print(f"[red]{t('jobs-unknown', name=name, names=', '.join(functions))}[/]")
                raise typer.Exit(2)
            job = Job(name, "", "hour", functions[name])
            calendar = Calendar(runtime.engine, [job], tz=settings.timezone)
            return await calendar.run_now(job, fired)
        finally:
            if bot is not None:
                await bot.session.close()

    result = run_with_runtime(settings, work)
    local = fired.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")
    out.print(t("jobs-ran", name=name, at=local, result=_summary(result)))


def _summary(result: object) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{k}={v}" for k, v in result.items())
    fields = getattr(result, "__dict__", None)
    if fields:
        return ", ".join(f"{k}={v}" for k, v in fields.items() if isinstance(v, int | float | str))
    return str(result)


@jobs_app.command("list")
def jobs_list(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Each configured job: its cron line, its last run and its next run (local time)."""
    settings = settings_for(ctx, config)
    t = get_translator()
    tz = ZoneInfo(settings.timezone)

    async def work(runtime: Runtime) -> list[list[str]]:
        async with runtime.session_factory() as session:
            runs = {r.job: r for r in (await session.scalars(select(SchedulerRun))).all()}
        now = datetime.now(UTC)
        rows = []
        for job in configured_jobs(runtime, t):
            upcoming = next_fire_time(job.cron, settings.timezone, now)
            last = runs.get(job.name)
            rows.append(
                [
                    job.name,
                    job.cron,
                    last.period if last else t("jobs-never"),
                    upcoming.astimezone(tz).strftime("%Y-%m-%d %H:%M %a") if upcoming else "",
                ]
            )
        return rows

    emit_table(
        [t(f"jobs-column-{c}") for c in JOB_COLUMNS],
        run_with_runtime(settings, work),
        empty=t("jobs-none"),
    )

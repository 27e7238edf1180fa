"""`yulu campaign list|preview|run|status` and `yulu export campaign`: 入学季 / 毕业季."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

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
from yulu.core.config import CampaignSettings, Settings
from yulu.core.errors import NotFound
from yulu.core.i18n import Translator, get_translator
from yulu.services import campaigns
from yulu.services.context import Runtime

campaign_app = typer.Typer(
    help="Seasonal campaigns (入学季/毕业季) defined in config.yml.", no_args_is_help=True
)
NameArg = Annotated[str, typer.Argument(help="Campaign name from config.yml, e.g. graduation.")]
YearOption = Annotated[
    int | None, typer.Option("--year", help="Campaign year (default: the current one).")
]


def _today(settings: Settings) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()


def _campaign(settings: Settings, name: str) -> CampaignSettings:
    try:
        return campaigns.campaign_named(settings.campaigns, name)
    except NotFound as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


@campaign_app.command("list")
def campaign_list(ctx: typer.Context, config: ConfigOption = None) -> None:
    """List the configured campaigns, their windows and audiences."""
    settings = settings_for(ctx, config)
    t = get_translator()
    today = _today(settings)
    columns = ("name", "title", "enabled", "window", "source", "holidays", "today")
    rows = []
    for name, campaign in settings.campaigns.items():
        missing = campaigns.missing_texts(t, campaign)
        title = t(campaign.title) if t.has(campaign.title) else campaign.title
        if missing:
            title += t("campaign-missing-texts", keys=", ".join(missing))
        rows.append(
            [
                name,
                title,
                _yes(t, campaign.enabled),
                campaigns.window_text(t, campaign),
                t(f"campaign-source-{campaign.audience.source}"),
                _yes(t, campaign.avoid_holidays),
                _yes(t, campaigns.in_window(campaign, today, tz=settings.timezone)),
            ]
        )
    emit_table(
        [t(f"campaign-list-column-{c}") for c in columns], rows, empty=t("campaign-list-empty")
    )


def _yes(t: Translator, value: bool) -> str:
    return t("yes") if value else t("no")


@campaign_app.command("preview")
def campaign_preview(
    ctx: typer.Context,
    name: NameArg,
    samples: Annotated[int, typer.Option(help="How many rendered messages to show.")] = 3,
    config: ConfigOption = None,
) -> None:
    """Audience size per county (reachable in Telegram, or left for cadres) and sample
    messages. Sends nothing."""
    settings = settings_for(ctx, config)
    campaign = _campaign(settings, name)
    t = get_translator()

    async def work(runtime: Runtime) -> campaigns.CampaignReport:
        return await campaigns.run_campaign(
            runtime.session_factory,
            t,
            name=name,
            campaign=campaign,
            today=_today(settings),
            tz=settings.timezone,
            dry_run=True,
            samples=samples,
        )

    report = run_with_runtime(settings, work)
    _print_counties(t, report)
    out.print(
        t(
            "campaign-preview-summary",
            title=t(campaign.title),
            year=report.edition,
            audience=report.audience,
            reachable=sum(report.reachable.values()),
            unreachable=sum(report.unreachable.values()),
        )
    )
    if report.unreachable:
        out.print(t("campaign-unreachable-note", name=name), soft_wrap=True)
    _print_samples(t, name, campaign, report)


def _print_counties(t: Translator, report: campaigns.CampaignReport) -> None:
    counties = sorted(set(report.reachable) | set(report.unreachable))
    rows = [[c, str(report.reachable[c]), str(report.unreachable[c])] for c in counties]
    emit_table(
        [
            t("campaign-column-county"),
            t("campaign-column-reachable"),
            t("campaign-column-unreachable"),
        ],
        rows,
        empty="",
    )


def _print_samples(
    t: Translator, name: str, campaign: CampaignSettings, report: campaigns.CampaignReport
) -> None:
    if not report.samples:
        out.print(t("campaign-no-samples"))
        return
    choices = campaigns.campaign_choices(name, report.edition, campaign)
    labels = " | ".join(t(c.label, **c.label_args) for row in choices for c in row)
    for number, text in enumerate(report.samples, start=1):
        out.print(t("campaign-sample-title", number=number))
        out.print(text, markup=False, soft_wrap=True)
    out.print(t("campaign-sample-buttons", buttons=labels), markup=False, soft_wrap=True)


@campaign_app.command("run")
def campaign_run(
    ctx: typer.Context,
    name: NameArg,
    dry_run: Annotated[bool, typer.Option(help="Count and show per county; send nothing.")] = False,
    config: ConfigOption = None,
) -> None:
    """Enqueue the campaign now for everyone reachable (a running `yulu run` sends it, outside
    quiet hours). Safe to repeat: nobody gets the same campaign twice in a year. On a statutory
    holiday the messages wait for the next day that is not one (unless avoid_holidays: false)."""
    settings = settings_for(ctx, config)
    campaign = _campaign(settings, name)
    t = get_translator()
    if not campaign.enabled and not dry_run:
        console.print(f"[yellow]{t('campaign-disabled', name=name)}[/]")
        raise typer.Exit(1)
    today = _today(settings)
    if not campaigns.in_window(campaign, today, tz=settings.timezone):
        console.print(t("campaign-outside-window", window=campaigns.window_text(t, campaign)))

    async def work(runtime: Runtime) -> campaigns.CampaignReport:
        edition = campaigns.edition_of(campaign, today)
        total = await campaigns.count_audience(
            runtime.session_factory, campaign=campaign, edition=edition
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(
                t("campaign-run-progress", title=t(campaign.title), year=edition), total=total
            )
            return await campaigns.run_campaign(
                runtime.session_factory,
                t,
                name=name,
                campaign=campaign,
                today=today,
                tz=settings.timezone,
                dry_run=dry_run,
                on_batch=lambda n: progress.advance(task, n),
            )

    report = run_with_runtime(settings, work)
    _print_counties(t, report)
    if report.calendar_missing:
        console.print(f"[yellow]{t('campaign-calendar-missing', year=today.year)}[/]")
    if report.deferred_to is not None and not dry_run:
        out.print(t("campaign-holiday-deferred", date=report.deferred_to.isoformat()))
    title = t(campaign.title)
    if dry_run:
        out.print(
            t(
                "campaign-run-dry",
                title=title,
                year=report.edition,
                new=report.new,
                reachable=sum(report.reachable.values()),
            )
        )
        return
    out.print(
        t(
            "campaign-run-done",
            title=title,
            year=report.edition,
            audience=report.audience,
            enqueued=report.enqueued,
            unreachable=sum(report.unreachable.values()),
        )
    )


@campaign_app.command("status")
def campaign_status(
    ctx: typer.Context, name: NameArg, year: YearOption = None, config: ConfigOption = None
) -> None:
    """Messages queued, sent and failed (with reasons), and answers, for a campaign year."""
    settings = settings_for(ctx, config)
    campaign = _campaign(settings, name)
    t = get_translator()
    edition = year or campaigns.edition_of(campaign, _today(settings))

    async def work(runtime: Runtime) -> campaigns.CampaignStatus:
        async with runtime.session_factory() as session:
            return await campaigns.campaign_status(session, name=name, edition=edition)

    status = run_with_runtime(settings, work)
    counts = {
        s: status.deliveries.get(s, 0)
        for s in ("pending", "sending", "sent", "failed", "cancelled")
    }
    out.print(t("campaign-status-title", title=t(campaign.title), year=edition))
    out.print(t("campaign-status-deliveries", answered=status.answered, **counts))
    if status.failures:
        out.print(t("campaign-status-failures"))
        for reason, count in status.failures:
            out.print(t("campaign-status-failure", reason=reason, count=count), markup=False)
    if status.answers:
        out.print(t("campaign-status-answers"))
        for value, count in sorted(status.answers.items(), key=lambda item: -item[1]):
            out.print(
                t(
                    "campaign-status-answer",
                    count=count,
                    label=campaigns.answer_label(t, campaign, value),
                ),
                markup=False,
            )


@export_app.command("campaign")
def export_campaign(
    ctx: typer.Context,
    name: NameArg,
    file: Annotated[Path, typer.Argument(help="Output .csv or .xlsx file.")],
    year: YearOption = None,
    unreachable: Annotated[
        bool,
        typer.Option(
            help="Instead of answers: the audience the bot cannot reach, by county, for cadres."
        ),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            help="With --unreachable: unmasked phones for authorised staff (audit-logged)."
        ),
    ] = False,
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Export a campaign's answers (the ledger's 回答 columns) with Chinese headers, phones
    masked; or, with --unreachable, who the cadres must contact themselves. Audit-logged."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    campaign = _campaign(settings, name)
    t = get_translator()
    edition = year or campaigns.edition_of(campaign, _today(settings))

    async def work(runtime: Runtime) -> int:
        async with runtime.session_factory.begin() as session:
            if unreachable:
                return await campaigns.export_contacts(
                    session,
                    runtime.cipher,
                    t,
                    file,
                    campaign=campaign,
                    edition=edition,
                    full=full,
                    actor=actor,
                )
            return await campaigns.export_answers(
                session,
                runtime.cipher,
                t,
                file,
                name=name,
                campaign=campaign,
                edition=edition,
                tz=settings.timezone,
                actor=actor,
            )

    count = run_with_runtime(settings, work)
    if full and unreachable:
        console.print(f"[yellow]{t('export-full-warning')}[/]")
    out.print(t("campaign-export-done", count=count, path=str(file)))

"""The programme's scheduled jobs by name, as config.yml's scheduler.jobs refers to them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from yulu.core.i18n import Translator
from yulu.services import campaigns, cases, checkin, matching
from yulu.services.context import Runtime
from yulu.services.scheduler import Job
from yulu.storage.console import drop_idle_sessions
from yulu.storage.updates import forget_updates_before

JOB_PERIODS = {
    "checkin_round": "month",
    "checkin_reminders": "day",
    "lost_contact": "day",
    "case_sla": "hour",
    "case_reveals": "hour",
    "match_run": "day",
    "campaigns": "day",
    "prune_updates": "day",
}
# Jobs that run unless config.yml's scheduler.jobs says otherwise (an empty cron turns one off).
DEFAULT_CRONS = {"prune_updates": "40 3 * * *", "case_reveals": "* * * * *"}
# Telegram redelivers an update for at most 24 hours; the dedupe rows are kept twice as long.
KEEP_PROCESSED_UPDATES = timedelta(hours=48)


def job_functions(
    runtime: Runtime, t: Translator, *, messages: cases.CaseMessages | None = None
) -> dict[str, Callable[[datetime], Awaitable[object]]]:
    """Each job decides and enqueues; none of them sends (case_reveals edits through `messages`).

    `fired` is the moment the job runs for: the scheduled time, or `yulu jobs run --at`.
    """
    settings = runtime.settings
    tz = settings.timezone

    async def checkin_round(fired: datetime) -> object:
        return await checkin.run_round(
            runtime.session_factory, t, period=checkin.period_of(fired, tz)
        )

    async def checkin_reminders(fired: datetime) -> object:
        return await checkin.send_reminders(
            runtime.session_factory,
            t,
            period=checkin.period_of(fired, tz),
            after_days=settings.checkin.reminder_after_days,
        )

    async def lost_contact(fired: datetime) -> object:
        last_month = checkin.previous_periods(checkin.period_of(fired, tz), 2)[1]
        return await checkin.open_lost_contact_cases(
            runtime.session_factory,
            runtime.cipher,
            t,
            period=last_month,
            missed=settings.checkin.lost_contact_after_missed,
        )

    async def case_sla(fired: datetime) -> object:
        async with runtime.session_factory.begin() as session:
            return await cases.enforce_sla(
                session,
                runtime.cipher,
                t,
                ack_sla=timedelta(hours=settings.cases.ack_sla_hours),
                resolve_sla=timedelta(days=settings.cases.resolve_sla_days),
                levels=settings.cases.supervisor_levels,
                now=fired,
            )

    async def case_reveals(fired: datetime) -> object:
        if messages is None:
            return {"masked": 0, "note": "no channel to edit messages with"}
        async with runtime.session_factory.begin() as session:
            masked = await cases.mask_revealed(session, runtime.cipher, t, messages, now=fired)
        return {"masked": masked}

    async def campaigns_due(fired: datetime) -> object:
        return await campaigns.run_due(
            runtime.session_factory,
            t,
            campaigns=settings.campaigns,
            today=fired.astimezone(ZoneInfo(tz)).date(),
            tz=tz,
        )

    async def prune_updates(fired: datetime) -> object:
        """Housekeeping: dedupe rows past any redelivery, and idle console sessions."""
        idle = timedelta(minutes=settings.web.idle_timeout_minutes)
        async with runtime.session_factory.begin() as session:
            updates = await forget_updates_before(session, fired - KEEP_PROCESSED_UPDATES)
            sessions = await drop_idle_sessions(session, idle_since=fired - idle)
        return {"updates": updates, "web_sessions": sessions}

    async def match_run(fired: datetime) -> object:
        return await matching.run_matching(runtime.session_factory, t, settings=settings, now=fired)

    return {
        "checkin_round": checkin_round,
        "checkin_reminders": checkin_reminders,
        "lost_contact": lost_contact,
        "case_sla": case_sla,
        "case_reveals": case_reveals,
        "campaigns": campaigns_due,
        "match_run": match_run,
        "prune_updates": prune_updates,
    }


def configured_jobs(
    runtime: Runtime, t: Translator, *, messages: cases.CaseMessages | None = None
) -> list[Job]:
    """The jobs config.yml declares, with their functions."""
    functions = job_functions(runtime, t, messages=messages)
    declared = {
        **DEFAULT_CRONS,
        "match_run": runtime.settings.matching.schedule,
        **runtime.settings.scheduler.jobs,
    }
    unknown = set(declared) - set(functions)
    if unknown:
        raise ValueError(f"unknown scheduler jobs in config: {', '.join(sorted(unknown))}")
    return [
        Job(name, cron, JOB_PERIODS[name], functions[name])
        for name, cron in declared.items()
        if cron
    ]

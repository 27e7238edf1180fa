"""The calendar: APScheduler cron jobs declared in config.yml, fired by one process at a time.

Jobs only decide and enqueue (the outbox sender sends). With PostgreSQL the process holding an
advisory lock is the one that fires jobs; the others stand by and take over if it dies. With
SQLite there is a single process. A run missed while no process was up is caught up at start
when it still falls in the current period (month, day or hour of the job).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from yulu.storage.cases import count_stuck, last_run, mark_run
from yulu.storage.locks import Leadership

log = logging.getLogger(__name__)
PERIOD_FORMATS = {"month": "%Y-%m", "day": "%Y-%m-%d", "hour": "%Y-%m-%d %H"}

JobFunction = Callable[[datetime], Awaitable[object]]


@dataclass(frozen=True)
class Job:
    """A named job, its cron line and the period a missed run may still be caught up in."""

    name: str
    cron: str
    period: str  # month | day | hour
    run: JobFunction


CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")  # crontab: 0 and 7 = Sun


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field in APScheduler's terms (which counts 0 as Monday).

    Numbers, ranges and steps become day names ("1-5" → "mon,tue,wed,thu,fri", "0" → "sun");
    names and "*" pass through unchanged.
    """
    if field == "*":
        return field
    days: list[str] = []
    for part in field.split(","):
        base, _, step = part.partition("/")
        if base == "*":
            low, high = 0, 6
        elif "-" in base and base.replace("-", "").isdigit():
            low, high = (int(n) for n in base.split("-", 1))
        elif base.isdigit():
            low = high = int(base)
            high = 7 if step else high
        else:
            days.append(part)  # names (mon-fri) mean the same in both
            continue
        if not 0 <= low <= high <= 7:
            raise ValueError(f"day of week out of range in cron field {field!r}")
        days.extend(CRONTAB_DAYS[d] for d in range(low, high + 1, int(step or 1)))
    return ",".join(dict.fromkeys(days))


def trigger(cron: str, tz: str) -> CronTrigger:
    """A CronTrigger from a five-field crontab line, meaning what crontab means, in `tz`."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"a cron line has five fields (minute hour day month weekday): {cron!r}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=crontab_weekdays(weekday),
        timezone=ZoneInfo(tz),
    )


def next_fire_time(cron: str, tz: str, now: datetime) -> datetime | None:
    """The first scheduled time after `now`."""
    return trigger(cron, tz).get_next_fire_time(None, now)


def last_fire_time(cron: str, tz: str, now: datetime) -> datetime | None:
    """The latest scheduled time at or before `now` (looking back at most 35 days)."""
    schedule = trigger(cron, tz)
    fire = schedule.get_next_fire_time(None, now - timedelta(days=35))
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = schedule.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last


class Calendar:
    """Runs the configured jobs while this process is the leader."""

    def __init__(self, engine: AsyncEngine, jobs: list[Job], *, tz: str) -> None:
        self._engine = engine
        self._jobs = jobs
        self._tz = tz
        self._scheduler = AsyncIOScheduler(timezone=ZoneInfo(tz))
        self._leadership = Leadership(engine, "scheduler")

    async def run(self, stop: asyncio.Event) -> None:
        """Wait to become leader, catch up missed runs, then fire jobs until stopped."""
        while not stop.is_set() and not await self._leadership.try_acquire():
            try:
                await asyncio.wait_for(stop.wait(), 15)
            except TimeoutError:
                pass
        if stop.is_set():
            return
        await self.warn_stuck()
        await self.catch_up(datetime.now(UTC))
        for job in self._jobs:
            self._scheduler.add_job(
                self._fire,
                trigger(job.cron, self._tz),
                args=[job],
                id=job.name,
                coalesce=True,
                misfire_grace_time=3600,
            )
        self._scheduler.start()
        log.info("scheduler leader: %s", ", ".join(f"{j.name} ({j.cron})" for j in self._jobs))
        try:
            await stop.wait()
        finally:
            self._scheduler.shutdown(wait=False)
            await self._leadership.release()

    async def warn_stuck(self) -> int:
        """Say at start-up how many open cases reach nobody (`yulu cases list --stuck`)."""
        async with AsyncSession(self._engine) as session:
            stuck = await count_stuck(session)
        if stuck:
            log.warning(
                "%d open case(s) reach nobody who can be messaged (nobody on their chain has "
                "bound Telegram): see `yulu cases list --stuck`",
                stuck,
            )
        return stuck

    async def catch_up(self, now: datetime) -> list[str]:
        """Run each job whose latest scheduled time passed unrun within its current period."""
        caught = []
        for job in self._jobs:
            fired = last_fire_time(job.cron, self._tz, now)
            if fired is None or self._period(job, fired) != self._period(job, now):
                continue
            if await self._last_run(job) != self._stamp(fired):
                log.info("catching up %s missed at %s", job.name, fired)
                await self._fire(job, fired)
                caught.append(job.name)
        return caught

    async def _fire(self, job: Job, fired: datetime | None = None) -> None:
        fired = fired or datetime.now(UTC)
        try:
            await job.run(fired)
        except Exception:
            log.exception("scheduled job %s failed", job.name)
            return
        await self.record(job, fired)

    async def run_now(self, job: Job, fired: datetime) -> object:
        """Run one job once as if fired at `fired` (`yulu jobs run`); errors propagate."""
        result = await job.run(fired)
        await self.record(job, fired)
        return result

    async def record(self, job: Job, fired: datetime) -> None:
        """Remember the run, so a restart does not catch it up again."""
        async with AsyncSession(self._engine) as session, session.begin():
            await mark_run(session, job.name, self._stamp(fired))

    async def _last_run(self, job: Job) -> str | None:
        async with AsyncSession(self._engine) as session:
            return await last_run(session, job.name)

    def _period(self, job: Job, moment: datetime) -> str:
        return moment.astimezone(ZoneInfo(self._tz)).strftime(PERIOD_FORMATS[job.period])

    def _stamp(self, moment: datetime) -> str:
        return moment.astimezone(ZoneInfo(self._tz)).strftime("%Y-%m-%d %H:%M")

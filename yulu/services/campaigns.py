"""Seasonal campaigns (入学季/毕业季): who they reach, when, what they say, what was answered.

A campaign run only decides and enqueues, like a check-in round, and set-based like it
(storage/campaigns.py): per slice of SLICE audience ids, one GROUP BY counts the members per
county and one INSERT … SELECT enqueues the reachable, the text rendered by the database from
the locale template split at the name, so no member row reaches Python. Each slice's outbox
rows (keyed ``campaign:<name>:<year>:<graduate>``) commit together, so a second run, the daily
re-run inside the window, or a restart after a crash adds nothing twice and misses no one.
The sender holds messages in quiet hours; statutory holidays (法定节假日, per the
chinese_calendar package) are avoided here: the daily job skips them, and a run started by hand
on one defers its messages to the next day that is not a holiday.

A roster-sourced audience (e.g. 新成长劳动力 for 入学季) can only be messaged through the
graduate who signed up in Telegram and was matched to the roster row; every other row is
counted per county as "not reachable in Telegram", for the cadre to contact.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.core.config import CampaignSettings
from yulu.core.errors import ConfigurationError, InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import audit
from yulu.services.actions import Buttons, Choice, to_json
from yulu.services.checkin import NAME_MARK
from yulu.services.privacy import FieldCipher, mask_phone
from yulu.services.scheduler import trigger
from yulu.services.tabular import table_writer
from yulu.storage.campaigns import (
    AudienceFilter,
    CampaignMessage,
    answer_counts,
    answers_query,
    audience_query,
    audience_size,
    audience_slices,
    count_new_slice,
    delivery_counts,
    enqueue_slice,
    failure_reasons,
    reachable_names,
    save_answer,
    tally_slice,
)
from yulu.storage.models import EmploymentStatus, Graduate

log = logging.getLogger(__name__)
BATCH = 1000  # rows per fetch of an export
SLICE = 20_000  # audience ids per transaction of a run
RELATIVE_YEARS = {"last_year": -1, "this_year": 0, "next_year": 1}
ANSWER_COLUMNS = (
    "campaign",
    "edition",
    "id",
    "name",
    "phone",
    "hukou",
    "school",
    "graduation_year",
    "household_type",
    "cadre",
    "answer",
    "answer_code",
    "answered_at",
)
CONTACT_COLUMNS = ("hukou", "name", "phone", "school", "graduation_year", "cadre", "reason")

HolidayCheck = Callable[[date], bool | None]


def campaign_named(campaigns: dict[str, CampaignSettings], name: str) -> CampaignSettings:
    """The configured campaign called `name`."""
    if name not in campaigns:
        raise NotFound(f"campaign {name!r} (configured: {', '.join(campaigns) or 'none'})")
    return campaigns[name]


def missing_texts(t: Translator, campaign: CampaignSettings) -> list[str]:
    """Locale keys the campaign names that no locale file defines."""
    keys = [campaign.title, campaign.message, campaign.thanks]
    keys += [key for b in campaign.buttons for key in (b.label, b.reply) if key]
    return [key for key in keys if not t.has(key)]


def check_texts(t: Translator, name: str, campaign: CampaignSettings) -> None:
    """Fail before sending anything when a campaign's text is missing from the locale files."""
    missing = missing_texts(t, campaign)
    if missing:
        raise ConfigurationError(f"campaign {name}: no locale text for {', '.join(missing)}")


# --- the calendar -------------------------------------------------------------------------


def holiday_status(day: date) -> bool | None:
    """True on a statutory holiday (incl. its bridging days, not ordinary weekends), None when
    the installed chinese_calendar has no data for that year yet."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        _warn_no_calendar(day.year)
        return None
    return bool(on_holiday and name is not None)


@lru_cache(maxsize=8)
def _warn_no_calendar(year: int) -> None:
    log.warning(
        "chinese_calendar has no holidays for %s: campaigns are not held on any day; "
        "upgrade the chinesecalendar package",
        year,
    )


def next_open_day(day: date, holidays: HolidayCheck = holiday_status) -> date:
    """The first day after `day` that is not a statutory holiday."""
    following = day + timedelta(days=1)
    for _ in range(60):
        if not holidays(following):
            return following
        following += timedelta(days=1)
    return following


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def in_window(campaign: CampaignSettings, day: date, *, tz: str) -> bool:
    """Whether `day` (local) falls in the campaign's yearly window or on a day its cron names."""
    if campaign.cron:
        start = datetime.combine(day, time(0), ZoneInfo(tz))
        fire = trigger(campaign.cron, tz).get_next_fire_time(None, start)
        return fire is not None and fire.astimezone(ZoneInfo(tz)).date() == day
    start, end, today = _month_day(campaign.start), _month_day(campaign.end), (day.month, day.day)
    return start <= today <= end if start <= end else today >= start or today <= end


def edition_of(campaign: CampaignSettings, day: date) -> int:
    """The campaign year of `day`: the year its window opened (12-01..02-28 → December's)."""
    if campaign.cron or _month_day(campaign.start) <= _month_day(campaign.end):
        return day.year
    return day.year - 1 if (day.month, day.day) <= _month_day(campaign.end) else day.year


def window_text(t: Translator, campaign: CampaignSettings) -> str:
    """The window as people read it: "04-01 至 07-31" or the cron line."""
    if campaign.cron:
        return t("campaign-window-cron", cron=campaign.cron)
    return t("campaign-window-dates", start=campaign.start, end=campaign.end)


# --- the audience -------------------------------------------------------------------------


def audience_filter(campaign: CampaignSettings, edition: int) -> AudienceFilter:
    """The storage filter for a campaign year ("this_year" resolved against `edition`)."""
    a = campaign.audience
    years = tuple(
        edition + RELATIVE_YEARS[y] if isinstance(y, str) else y for y in a.graduation_year
    )
    return AudienceFilter(
        source=a.source,
        years=years,
        statuses=tuple(a.statuses),
        regions=tuple(a.regions),
        household_types=tuple(a.household_types),
        education_levels=tuple(a.education_levels),
        relocated=a.relocated,
        key_county=a.key_county,
        verified=a.verified,
        new_labour=a.new_labour,
    )


def unreachable_reason(row: Any) -> str | None:
    """Why a member cannot get the message in Telegram, or None when they can (the same rule
    as storage.campaigns.reachable, which a run counts and enqueues by)."""
    if row.graduate_id is None or row.chat_id is None:
        return "no_telegram"
    if row.unreachable_at is not None:
        return "blocked"
    if row.unsubscribed_at is not None:
        return "unsubscribed"
    return None


def campaign_choices(name: str, edition: int, campaign: CampaignSettings) -> Buttons:
    """One answer per row: ("campaign", "answer", name, year, value)."""
    return [
        [Choice(b.label, ("campaign", "answer", name, edition, b.value))] for b in campaign.buttons
    ]


def message_text(t: Translator, campaign: CampaignSettings, *, name: str, edition: int) -> str:
    """The campaign message for one person."""
    return t(campaign.message, name=name, year=edition)


def campaign_message(
    t: Translator,
    campaign: CampaignSettings,
    *,
    name: str,
    edition: int,
    not_before: datetime | None,
) -> CampaignMessage:
    """The campaign year's message, rendered once, split where each member's name goes."""
    text = message_text(t, campaign, name=NAME_MARK, edition=edition)
    return CampaignMessage(
        key_prefix=f"campaign:{name}:{edition}:",
        text_parts=text.split(NAME_MARK),
        buttons=to_json(campaign_choices(name, edition, campaign)),
        not_before=not_before,
    )


@dataclass
class CampaignReport:
    """Who a run reaches per county, who is left for cadres, and what it added."""

    name: str
    edition: int
    in_window: bool
    reachable: Counter[str] = field(default_factory=Counter)
    unreachable: Counter[str] = field(default_factory=Counter)
    enqueued: int = 0
    new: int = 0  # a dry run: how many the run would add (reachable, not yet sent this year)
    samples: list[str] = field(default_factory=list)
    deferred_to: date | None = None
    calendar_missing: bool = False

    @property
    def audience(self) -> int:
        return sum(self.reachable.values()) + sum(self.unreachable.values())


async def count_audience(
    session_factory: async_sessionmaker[AsyncSession], *, campaign: CampaignSettings, edition: int
) -> int:
    """How many people (reachable or not) a campaign year's audience holds."""
    async with session_factory() as session:
        return await audience_size(session, audience_filter(campaign, edition))


async def run_campaign(
    session_factory: async_sessionmaker[AsyncSession],
    t: Translator,
    *,
    name: str,
    campaign: CampaignSettings,
    today: date,
    tz: str,
    dry_run: bool = False,
    samples: int = 0,
    on_batch: Callable[[int], None] = lambda n: None,
    holidays: HolidayCheck = holiday_status,
) -> CampaignReport:
    """Enqueue the campaign message for everyone reachable (dry run: only count and render).

    Set-based (storage/campaigns.py): per slice of SLICE audience ids, one count per county and
    one INSERT … SELECT in one transaction; the samples are rendered in Python, the same way.
    """
    check_texts(t, name, campaign)
    edition = edition_of(campaign, today)
    report = CampaignReport(name, edition, in_window(campaign, today, tz=tz))
    not_before = _defer_if_holiday(report, campaign, today, tz, holidays)
    audience = audience_filter(campaign, edition)
    message = campaign_message(t, campaign, name=name, edition=edition, not_before=not_before)
    async with session_factory() as session:
        slices = await audience_slices(session, audience, size=SLICE)
        for member in await reachable_names(session, audience, limit=samples) if samples else []:
            report.samples.append(message_text(t, campaign, name=member, edition=edition))
    for piece in slices:
        async with session_factory.begin() as session:
            counted, in_reach = _tally(report, await tally_slice(session, audience, piece))
            if in_reach and dry_run:
                report.new += await count_new_slice(session, audience, piece, message)
            elif in_reach:
                now = datetime.now(UTC)
                report.enqueued += await enqueue_slice(session, audience, piece, message, now=now)
        if counted:
            on_batch(counted)
    return report


def _defer_if_holiday(
    report: CampaignReport, campaign: CampaignSettings, today: date, tz: str, holidays: HolidayCheck
) -> datetime | None:
    if not campaign.avoid_holidays:
        return None
    holiday = holidays(today)
    report.calendar_missing = holiday is None
    if not holiday:
        return None
    report.deferred_to = next_open_day(today, holidays)
    return datetime.combine(report.deferred_to, time(0), ZoneInfo(tz)).astimezone(UTC)


def _tally(report: CampaignReport, counts: list[tuple[str, int, int]]) -> tuple[int, int]:
    """Add a slice's (county, reachable, unreachable) counts; return its members and reachable."""
    for county, in_reach, out_of_reach in counts:
        if in_reach:
            report.reachable[county] += in_reach
        if out_of_reach:
            report.unreachable[county] += out_of_reach
    in_reach = sum(n for _, n, _ in counts)
    return in_reach + sum(n for _, _, n in counts), in_reach


async def run_due(
    session_factory: async_sessionmaker[AsyncSession],
    t: Translator,
    *,
    campaigns: dict[str, CampaignSettings],
    today: date,
    tz: str,
    holidays: HolidayCheck = holiday_status,
) -> dict[str, CampaignReport]:
    """The daily job: run each enabled campaign whose window holds today, unless on a holiday."""
    reports = {}
    for name, campaign in campaigns.items():
        if not campaign.enabled or not in_window(campaign, today, tz=tz):
            continue
        if campaign.avoid_holidays and holidays(today):
            log.info("campaign %s: %s is a statutory holiday, not run today", name, today)
            continue
        reports[name] = await run_campaign(
            session_factory, t, name=name, campaign=campaign, today=today, tz=tz, holidays=holidays
        )
        log.info("campaign %s %s: %d enqueued", name, reports[name].edition, reports[name].enqueued)
    return reports


# --- answers and status -------------------------------------------------------------------


async def record_answer(
    session: AsyncSession,
    campaigns: dict[str, CampaignSettings],
    graduate: Graduate,
    *,
    name: str,
    edition: int,
    value: str,
    via: str = "button",
) -> str:
    """Record (or change) a graduate's answer; returns the locale key of the reply."""
    campaign = campaign_named(campaigns, name)
    chosen = next((b for b in campaign.buttons if b.value == value), None)
    if chosen is None:
        raise InvalidInput("campaign-answer", f"{name}: no answer {value!r}")
    await save_answer(
        session,
        {
            "campaign": name,
            "edition": edition,
            "graduate_id": graduate.id,
            "roster_entry_id": graduate.roster_entry_id,
            "value": value,
            "via": via,
            "answered_at": datetime.now(UTC),
        },
    )
    if chosen.status is not None:
        graduate.status = EmploymentStatus(chosen.status)
    return chosen.reply or campaign.thanks


@dataclass(frozen=True)
class CampaignStatus:
    """Where a campaign year stands: messages by outbox status, why some failed, answers."""

    edition: int
    deliveries: dict[str, int]
    failures: list[tuple[str, int]]
    answers: dict[str, int]

    @property
    def answered(self) -> int:
        return sum(self.answers.values())


async def campaign_status(session: AsyncSession, *, name: str, edition: int) -> CampaignStatus:
    """Queued, sent, failed (with reasons) and answered for one campaign year."""
    prefix = f"campaign:{name}:{edition}:"
    return CampaignStatus(
        edition,
        await delivery_counts(session, key_prefix=prefix),
        await failure_reasons(session, key_prefix=prefix),
        await answer_counts(session, campaign=name, edition=edition),
    )


def answer_label(t: Translator, campaign: CampaignSettings, value: str) -> str:
    """The button text of an answer value (the value itself if the button was removed)."""
    chosen = next((b for b in campaign.buttons if b.value == value), None)
    return t(chosen.label) if chosen and t.has(chosen.label) else value


# --- exports ------------------------------------------------------------------------------


async def export_answers(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    path: Path,
    *,
    name: str,
    campaign: CampaignSettings,
    edition: int,
    tz: str,
    actor: str,
) -> int:
    """The campaign's answers for the ledger (台账), Chinese headers, phones masked; audited."""
    title = t(campaign.title)
    count = 0
    with table_writer(path, [t(f"campaign-column-{c}") for c in ANSWER_COLUMNS]) as write:
        result = await session.stream(
            answers_query(campaign=name, edition=edition).execution_options(yield_per=BATCH)
        )
        async for row in result:
            write(
                [
                    title,
                    edition,
                    row.graduate_id,
                    row.name,
                    mask_phone(cipher.decrypt(row.phone_enc)),
                    row.county,
                    row.school,
                    row.graduation_year,
                    row.household_type or "",
                    row.cadre or "",
                    answer_label(t, campaign, row.value),
                    row.value,
                    row.answered_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M"),
                ]
            )
            count += 1
    audit.record(
        session,
        actor=actor,
        action="campaign.export_answers",
        subject=path.name,
        campaign=name,
        edition=edition,
        rows=count,
    )
    return count


async def export_contacts(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    path: Path,
    *,
    campaign: CampaignSettings,
    edition: int,
    full: bool,
    actor: str,
) -> int:
    """Everyone in the audience the bot cannot reach, by county, for cadres to contact."""
    query = audience_query(audience_filter(campaign, edition))
    query = query.order_by(None).order_by(
        query.selected_columns.county, query.selected_columns.cursor
    )
    count = 0
    with table_writer(path, [t(f"campaign-contact-column-{c}") for c in CONTACT_COLUMNS]) as write:
        result = await session.stream(query.execution_options(yield_per=BATCH))
        async for row in result:
            reason = unreachable_reason(row)
            if reason is None:
                continue
            phone = cipher.decrypt(row.phone_enc) if row.phone_enc else ""
            write(
                [
                    row.county,
                    row.name,
                    phone if full or not phone else mask_phone(phone),
                    row.school,
                    row.graduation_year,
                    row.cadre or "",
                    t(f"campaign-unreachable-{reason}"),
                ]
            )
            count += 1
    audit.record(
        session,
        actor=actor,
        subject=path.name,
        rows=count,
        edition=edition,
        action="campaign.export_contacts_full" if full else "campaign.export_contacts",
    )
    return count

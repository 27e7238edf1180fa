"""Monthly check-in (就业状态跟踪) and the categorised follow-up (分类帮扶) each answer starts.

A round only decides and enqueues: one check_in row and one outbox row per active graduate,
in the same transaction, slice by slice and set-based (storage/rounds.py), both keyed by
(graduate, period) so a second run or a restart after a crash adds nothing twice and misses
no one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.core.errors import InvalidInput
from yulu.core.i18n import Translator
from yulu.nlu.entities import parse_income
from yulu.services import cases, validation
from yulu.services.actions import checkin_choices, to_json
from yulu.services.privacy import FieldCipher
from yulu.storage import rounds
from yulu.storage.cases import (
    check_in_for,
    silent_graduates,
    unanswered_due_reminder,
)
from yulu.storage.models import CaseReason, CheckIn, EmploymentStatus, Graduate, OutboxMessage
from yulu.storage.outbox import Outgoing, enqueue
from yulu.storage.people import cadre_by_user

ROUND_SLICE = 20_000  # graduate ids per transaction of a round
NAME_MARK = "\x00name\x00"  # where SQL puts each graduate's name into the rendered text
INCOME_BANDS = (
    ("lt2k", 0, 2000),
    ("2k-3k", 2000, 3000),
    ("3k-5k", 3000, 5000),
    ("5k-8k", 5000, 8000),
    ("gt8k", 8000, 10**9),
)
CHOICE_STATUS = {
    "employed_same": EmploymentStatus.EMPLOYED,
    "employed_new": EmploymentStatus.EMPLOYED,
    "self_employed": EmploymentStatus.SELF_EMPLOYED,
    "seeking": EmploymentStatus.SEEKING,
    "lost_job": EmploymentStatus.LOST_JOB,
    "further_study": EmploymentStatus.FURTHER_STUDY,
}
INTENT_CHOICE = {
    "report_employed": "employed_same",
    "report_self_employed": "self_employed",
    "report_seeking": "seeking",
    "report_job_lost": "lost_job",
    "report_further_study": "further_study",
}


def period_of(moment: datetime, tz: str) -> str:
    """The check-in month of a moment, in the programme's time zone: "2026-11"."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def previous_periods(period: str, count: int) -> list[str]:
    """`period` and the count-1 months before it, newest first."""
    year, month = map(int, period.split("-"))
    periods = []
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods


@dataclass
class RoundReport:
    """Who a round reaches, per county, and how many messages it added."""

    period: str
    per_county: Counter[str] = field(default_factory=Counter)
    enqueued: int = 0

    @property
    def audience(self) -> int:
        return sum(self.per_county.values())


async def run_round(
    session_factory: async_sessionmaker[AsyncSession],
    t: Translator,
    *,
    period: str,
    dry_run: bool = False,
    on_batch: Callable[[int], None] = lambda n: None,
) -> RoundReport:
    """Ask every active graduate not yet asked for `period` (dry run: only count them).

    Set-based (storage/rounds.py): per slice of ROUND_SLICE graduate ids, one count and two
    INSERT … SELECT statements in one transaction; the text is rendered by the database.
    """
    report = RoundReport(period)
    message = round_message(t, period)
    async with session_factory() as session:
        low, high = await rounds.id_span(session)
    for lo in range(low, high, ROUND_SLICE):
        hi = lo + ROUND_SLICE
        async with session_factory.begin() as session:
            counts = await rounds.count_by_county(session, period, lo, hi)
            report.per_county.update(counts)
            if counts and not dry_run:
                now = datetime.now(UTC)
                report.enqueued += await rounds.enqueue_round(session, message, lo, hi, now=now)
        on_batch(sum(counts.values()))
    return report


def round_message(t: Translator, period: str) -> rounds.RoundMessage:
    """The round's message, rendered once, split where each graduate's name goes."""
    text = t("checkin-ask", name=NAME_MARK, month=int(period[5:]))
    return rounds.RoundMessage(period, text.split(NAME_MARK), to_json(checkin_choices(period)))


async def send_reminders(
    session_factory: async_sessionmaker[AsyncSession],
    t: Translator,
    *,
    period: str,
    after_days: int,
    now: datetime | None = None,
) -> int:
    """One reminder to each graduate who has not answered `after_days` after being asked."""
    now = now or datetime.now(UTC)
    buttons = to_json(checkin_choices(period))
    async with session_factory.begin() as session:
        rows = (
            await session.execute(unanswered_due_reminder(period, now - timedelta(days=after_days)))
        ).all()
        for row in rows:
            await enqueue(
                session,
                Outgoing(
                    key=f"checkin-remind:{period}:{row.graduate_id}",
                    kind="checkin_reminder",
                    chat_id=row.chat_id,
                    graduate_id=row.graduate_id,
                    text=t("checkin-remind", name=row.name),
                    buttons=buttons,
                ),
            )
            check_in = await session.get(CheckIn, row.id)
            check_in.reminded_at = now
    return len(rows)


async def open_lost_contact_cases(
    session_factory: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    t: Translator,
    *,
    period: str,
    missed: int,
) -> int:
    """A 失联 case for each graduate who answered none of the last `missed` check-ins."""
    async with session_factory.begin() as session:
        silent = await silent_graduates(session, previous_periods(period, missed))
        for graduate_id in silent:
            graduate = await session.get(Graduate, graduate_id)
            await cases.open_case(
                session,
                cipher,
                t,
                graduate,
                CaseReason.LOST_CONTACT,
                actor="system",
                detail=f"missed:{missed}",
            )
    return len(silent)


@dataclass(frozen=True)
class FollowUp:
    """What the bot says or asks after an answer: a locale key and whether more is needed."""

    reply: str
    next_question: str | None = None
    case_id: int | None = None


async def record_choice(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    graduate: Graduate,
    *,
    period: str,
    choice: str,
    via: str,
) -> FollowUp:
    """Record a status answer for the month, then decide the category's follow-up."""
    status = CHOICE_STATUS.get(choice)
    if status is None:
        raise InvalidInput("status")
    check_in = await _check_in(session, graduate, period)
    check_in.status, check_in.answered_at, check_in.via = status, datetime.now(UTC), via
    check_in.same_job = choice == "employed_same" if status is EmploymentStatus.EMPLOYED else None
    graduate.status = status
    if status is EmploymentStatus.EMPLOYED:
        return FollowUp("checkin-thanks", next_question="employer")
    if status is EmploymentStatus.LOST_JOB:
        case = await cases.open_case(
            session,
            cipher,
            t,
            graduate,
            CaseReason.LOST_JOB,
            actor=f"graduate:{graduate.id}",
            detail=f"checkin:{period}",
        )
        return FollowUp("checkin-lost-job", case_id=case.id)
    if status is EmploymentStatus.FURTHER_STUDY:
        return FollowUp("checkin-further-study", next_question="until")
    return FollowUp(f"checkin-followup-{status.value}")


async def _check_in(session: AsyncSession, graduate: Graduate, period: str) -> CheckIn:
    """This month's check-in row, created when the graduate reports on their own."""
    check_in = await check_in_for(session, graduate.id, period)
    if check_in is None:
        check_in = CheckIn(graduate_id=graduate.id, period=period)
        session.add(check_in)
    return check_in


async def record_detail(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    graduate: Graduate,
    *,
    period: str,
    field: str,
    value: str | None,
    low_income_line: int,
) -> str | None:
    """Store one employment detail; returns the next detail to ask, or None when done.

    The answer is checked before the check-in row is read: a wrong answer is re-asked
    without touching the database.
    """
    if field == "until":
        graduate.paused_until = _until(value)
        return None
    if field == "employer":
        column, answer = (
            "employer",
            validation.short_text(validation.text_answer(value), reason="employer"),
        )
    elif field == "work_place":
        column, answer = (
            "work_place",
            validation.short_text(validation.text_answer(value), reason="place"),
        )
    elif field == "income":
        column, answer = "income_band", income_band(value)
    elif field == "stable":
        column, answer = "stable", validation.yes_no(value or "")
    else:
        raise InvalidInput("field")
    check_in = await _check_in(session, graduate, period)
    setattr(check_in, column, answer)
    if field != "stable":
        return DETAIL_AFTER[field]
    if _band_upper(check_in.income_band) <= low_income_line:
        await cases.open_case(
            session,
            cipher,
            t,
            graduate,
            CaseReason.LOW_INCOME,
            actor="system",
            detail=f"income:{check_in.income_band}",
        )
    return None


DETAIL_AFTER = {"employer": "work_place", "work_place": "income", "income": "stable"}


def income_band(value: str | None) -> str:
    """A band code from a button ("3k-5k") or typed income ("三千八", "5k", "月薪4500")."""
    text = validation.text_answer(value)
    if text in {code for code, _, _ in INCOME_BANDS}:
        return text
    amount = parse_income(text)
    if amount is None:
        raise InvalidInput("income")
    return next(code for code, low, high in INCOME_BANDS if low <= amount < high)


def _band_upper(code: str | None) -> int:
    return next((high for c, _, high in INCOME_BANDS if c == code), 10**9)


def _until(value: str | None) -> str:
    """The month further study or service ends: a year from a button or text → its June."""
    year = validation.graduation_year(validation.text_answer(value).strip()[:4])
    return f"{year:04d}-06"


async def mark_blocked(
    session: AsyncSession, cipher: FieldCipher, t: Translator, graduate: Graduate
) -> None:
    """The graduate blocked the bot: unreachable from now, and their cadre is told."""
    if graduate.unreachable_at is None:
        graduate.unreachable_at = datetime.now(UTC)
    await cases.open_case(session, cipher, t, graduate, CaseReason.BLOCKED, actor="system")


def blocked_hook(cipher: FieldCipher, t: Translator, *, levels: int = 3) -> Callable:
    """The sender's 403 handler: a graduate is marked unreachable and a case opened; a cadre
    is skipped by the escalation chain from now on, their waiting cases climbing at once."""

    async def on_blocked(session: AsyncSession, row: OutboxMessage) -> None:
        if row.graduate_id is not None:
            graduate = await session.get(Graduate, row.graduate_id)
            if graduate is not None:
                await mark_blocked(session, cipher, t, graduate)
            return
        cadre = await cadre_by_user(session, row.chat_id)  # staff chats are private chats
        if cadre is not None:
            await cases.staff_unreachable(session, cipher, t, cadre, levels=levels)

    return on_blocked

"""The figures a county answers for (成效评估): aggregates per group and tracer indicators.

Every figure is defined once, here, and the same words are in the README and in the annual
report's definitions (locale keys ``report-def-*``):

- **people** (台账人数): persons in the ledger: 雨露计划 roster rows, 新成长劳动力 rows and
  sign-ups not matched to either, each person once; **signed up**: those with a Telegram
  sign-up; **verified**: sign-ups matched to the roster; **reachable**: signed up, not blocked,
  not unsubscribed.
- **response rate** (应答率): monthly check-ins answered ÷ check-ins asked, months of the period.
- **就业率**: of the graduates who answered at least one check-in in the period, judged by their
  latest answer, the share employed or self-employed; **去向落实率**: the same, also counting
  further study and military service.
- **cases**: cases (all reasons) opened in the period; **lost-job cases** among them; **time to
  acknowledge / resolve**: hours from opening, over the cases acknowledged / resolved, median and
  90th percentile (linear interpolation, as PostgreSQL's percentile_cont); **within SLA**: cases
  acknowledged within ``cases.ack_sla_hours`` ÷ cases whose SLA has run out or that were
  acknowledged.
- **income**: the median band of the latest income band given in the period (for an even count,
  the lower middle); **income change**: the same graduates' latest band in the period against
  their latest band in the period a year earlier: how many rose, stayed, fell.
- **notices**: job notices Telegram accepted in the period; **interest**: 感兴趣/报名 taps in it.
- **tracer** (毕业跟踪): for each graduation cohort, of those who answered the check-in of the
  month k months after graduation (``report.graduation_month``), the share employed or
  self-employed; of those, the share who said the job is stable (over those who answered it).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import InvalidInput
from yulu.services import places
from yulu.services.checkin import INCOME_BANDS
from yulu.storage import reporting
from yulu.storage.models import CaseReason, EmploymentStatus
from yulu.storage.reporting import DIMENSIONS, Scope

EMPLOYED = frozenset({EmploymentStatus.EMPLOYED.value, EmploymentStatus.SELF_EMPLOYED.value})
PLACED = EMPLOYED | {EmploymentStatus.FURTHER_STUDY.value}
BAND_RANK = {code: rank for rank, (code, _, _) in enumerate(INCOME_BANDS)}

__all__ = ["DIMENSIONS", "Period", "Scope", "Summary", "SummaryRow", "TracerRow"]


# --- what a report is about -----------------------------------------------------------------


def scope_for(text: str | None) -> Scope:
    """The scope named by a place (湖南, 邵阳市, 隆回县 …); None or empty: everywhere."""
    if not text:
        return Scope()
    place = places.any_level(text)
    if place is None:
        return Scope()
    return Scope(place.province, place.city, place.county)


def month_of(text: str) -> str:
    """A YYYY-MM month, checked."""
    try:
        parsed = datetime.strptime(text, "%Y-%m")
    except ValueError as exc:
        raise InvalidInput("month", f"{text!r}: give a month as YYYY-MM") from exc
    return parsed.strftime("%Y-%m")


def add_months(month: str, count: int) -> str:
    """YYYY-MM plus `count` months."""
    year, number = int(month[:4]), int(month[5:])
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Period:
    """Months first..last (YYYY-MM, inclusive), in the configured time zone."""

    first: str
    last: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(f"{year:04d}-01", f"{year:04d}-12")

    @classmethod
    def month(cls, month: str) -> Period:
        return cls(month, month)

    @classmethod
    def of(cls, *, year: int | None, month: str | None, today: date) -> Period:
        """--month if given, else --year, else this year."""
        if month:
            return cls.month(month_of(month))
        return cls.year(year or today.year)

    def months(self) -> list[str]:
        count = _month_index(self.last) - _month_index(self.first) + 1
        return [add_months(self.first, i) for i in range(max(count, 0))]

    def year_before(self) -> Period:
        return Period(add_months(self.first, -12), add_months(self.last, -12))

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of the first month's 1st to the month after."""
        zone = ZoneInfo(tz)

        def start_of(month: str) -> datetime:
            local = datetime(int(month[:4]), int(month[5:]), 1, tzinfo=zone)
            return local.astimezone(UTC)

        return start_of(self.first), start_of(add_months(self.last, 1))


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


# --- statistics -----------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` percentile by linear interpolation (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def share(part: int, whole: int) -> float | None:
    """part ÷ whole, None when there is no whole."""
    return part / whole if whole else None


def median_band(counts: Counter[str]) -> str | None:
    """The band of the middle person, low to high (for an even count, the lower middle)."""
    total = sum(counts.values())
    if not total:
        return None
    middle, seen = (total + 1) // 2, 0
    for code in sorted(counts, key=lambda c: BAND_RANK.get(c, len(BAND_RANK))):
        seen += counts[code]
        if seen >= middle:
            return code
    return None


# --- the summary ----------------------------------------------------------------------------


@dataclass
class _Tally:
    """The raw parts of one group's figures (summed for the total, then finished)."""

    people: int = 0
    signed_up: int = 0
    verified: int = 0
    reachable: int = 0
    new_labour: int = 0
    asked: int = 0
    answered: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    bands: Counter[str] = field(default_factory=Counter)
    band_moves: Counter[int] = field(default_factory=Counter)  # -1 fell, 0 same, 1 rose
    cases: int = 0
    lost_job_cases: int = 0
    ack_hours: list[float] = field(default_factory=list)
    resolve_hours: list[float] = field(default_factory=list)
    sla_due: int = 0
    sla_met: int = 0
    notices: int = 0
    interest: int = 0

    def add(self, other: _Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(value)
            elif isinstance(mine, list):
                mine.extend(value)
            else:
                setattr(self, name, mine + value)


@dataclass(frozen=True)
class SummaryRow:
    """One group's figures (group None: the total). Rates are 0..1 or None (nothing to rate)."""

    group: Any
    people: int
    signed_up: int
    verified: int
    reachable: int
    new_labour: int
    asked: int
    answered: int
    response_rate: float | None
    respondents: int
    employed: int
    placed: int
    employment_rate: float | None
    placement_rate: float | None
    cases: int
    lost_job_cases: int
    ack_median_hours: float | None
    ack_p90_hours: float | None
    resolve_median_hours: float | None
    resolve_p90_hours: float | None
    within_sla: float | None
    past_sla: int
    income_respondents: int
    income_median_band: str | None
    income_pairs: int
    income_rose: int
    income_same: int
    income_fell: int
    notices: int
    interest: int

    @classmethod
    def finish(cls, group: Any, tally: _Tally) -> SummaryRow:
        respondents = sum(tally.statuses.values())
        employed = sum(n for s, n in tally.statuses.items() if s in EMPLOYED)
        placed = sum(n for s, n in tally.statuses.items() if s in PLACED)
        return cls(
            group=group,
            people=tally.people,
            signed_up=tally.signed_up,
            verified=tally.verified,
            reachable=tally.reachable,
            new_labour=tally.new_labour,
            asked=tally.asked,
            answered=tally.answered,
            response_rate=share(tally.answered, tally.asked),
            respondents=respondents,
            employed=employed,
            placed=placed,
            employment_rate=share(employed, respondents),
            placement_rate=share(placed, respondents),
            cases=tally.cases,
            lost_job_cases=tally.lost_job_cases,
            ack_median_hours=percentile(tally.ack_hours, 0.5),
            ack_p90_hours=percentile(tally.ack_hours, 0.9),
            resolve_median_hours=percentile(tally.resolve_hours, 0.5),
            resolve_p90_hours=percentile(tally.resolve_hours, 0.9),
            within_sla=share(tally.sla_met, tally.sla_due),
            past_sla=tally.sla_due - tally.sla_met,
            income_respondents=sum(tally.bands.values()),
            income_median_band=median_band(tally.bands),
            income_pairs=sum(tally.band_moves.values()),
            income_rose=tally.band_moves[1],
            income_same=tally.band_moves[0],
            income_fell=tally.band_moves[-1],
            notices=tally.notices,
            interest=tally.interest,
        )


@dataclass(frozen=True)
class Summary:
    """The figures for a scope and period, per group of `by` (None: the total only)."""

    by: str | None
    period: Period
    rows: list[SummaryRow]
    total: SummaryRow


async def summary(
    session: AsyncSession,
    *,
    scope: Scope,
    period: Period,
    by: str | None = None,
    sla_hours: float,
    tz: str,
    now: datetime | None = None,
) -> Summary:
    """Every aggregate for `scope` and `period`, grouped by `by` (one of DIMENSIONS) or not."""
    if by is not None and by not in DIMENSIONS:
        raise InvalidInput("report-by", f"--by: one of {', '.join(DIMENSIONS)}")
    tallies: dict[Any, _Tally] = defaultdict(_Tally)
    start, end = period.bounds(tz)
    async with reporting.graduate_groups(session, scope, by=by) as groups:
        for grp, people, signed_up, verified, reachable, labour in await reporting.people_counts(
            session, groups
        ):
            tally = tallies[grp]
            tally.people, tally.signed_up, tally.new_labour = people, signed_up, int(labour or 0)
            tally.verified, tally.reachable = int(verified or 0), int(reachable or 0)
        before = period.year_before()
        for grp, status, band, then, count, asked, answered in await reporting.check_in_figures(
            session, groups, now=(period.first, period.last), before=(before.first, before.last)
        ):
            tally = tallies[grp]
            tally.asked += int(asked or 0)
            tally.answered += int(answered or 0)
            if status is not None:
                tally.statuses[_code(status)] += count
            if band is not None:
                tally.bands[band] += count
            if band is not None and then is not None:
                move = BAND_RANK.get(band, 0) - BAND_RANK.get(then, 0)
                tally.band_moves[(move > 0) - (move < 0)] += count
        _add_cases(
            tallies,
            await reporting.case_times(session, groups, start=start, end=end),
            sla=timedelta(hours=sla_hours),
            now=now or datetime.now(UTC),
        )
        for grp, count in await reporting.notice_counts(session, groups, start=start, end=end):
            tallies[grp].notices = count
        for grp, count in await reporting.interest_counts(session, groups, start=start, end=end):
            tallies[grp].interest = count
    if by is None:  # the total is the temporary table's one group ''
        tallies = {None: _merged(tallies.values())}
    return _finish(by, period, tallies)


def _code(value: Any) -> str:
    return getattr(value, "value", value) or ""


def _add_cases(
    tallies: dict[Any, _Tally], rows: Iterable[Any], *, sla: timedelta, now: datetime
) -> None:
    for grp, reason, opened, acknowledged, resolved in rows:
        tally = tallies[grp]
        tally.cases += 1
        tally.lost_job_cases += _code(reason) == CaseReason.LOST_JOB.value
        if acknowledged is not None:
            tally.ack_hours.append((acknowledged - opened).total_seconds() / 3600)
            tally.sla_due += 1
            tally.sla_met += acknowledged - opened <= sla
        elif now - opened > sla:
            tally.sla_due += 1
        if resolved is not None:
            tally.resolve_hours.append((resolved - opened).total_seconds() / 3600)


def _merged(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    return total


def _finish(by: str | None, period: Period, tallies: dict[Any, _Tally]) -> Summary:
    total = _merged(tallies.values())
    groups = sorted(tallies, key=lambda g: (g is None, str(g)))
    rows = [SummaryRow.finish(g, tallies[g]) for g in groups] if by is not None else []
    return Summary(by, period, rows, SummaryRow.finish(None, total))


# --- tracer indicators ----------------------------------------------------------------------


@dataclass(frozen=True)
class TracerRow:
    """One cohort k months after graduation: who answered, employed, and stable among them."""

    cohort: int
    months_after: int
    period: str
    respondents: int
    employed: int
    employment_rate: float | None
    stable_answered: int
    stable: int
    stable_rate: float | None


def tracer_period(cohort: int, months_after: int, *, graduation_month: int) -> str:
    """The check-in month `months_after` months after a cohort's graduation."""
    return add_months(f"{cohort:04d}-{graduation_month:02d}", months_after)


async def tracer(
    session: AsyncSession,
    *,
    scope: Scope,
    cohorts: Sequence[int],
    graduation_month: int,
    months_after: Sequence[int] = (1, 6, 12),
) -> list[TracerRow]:
    """Tracer indicators for each cohort and each of `months_after` (months not reached: none)."""
    wanted = {
        (c, tracer_period(c, k, graduation_month=graduation_month)): k
        for c in cohorts
        for k in months_after
    }
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    periods = sorted({p for _, p in wanted})
    for year, period, status, stable, count in await reporting.tracer_counts(
        session, scope, periods=periods
    ):
        if (year, period) not in wanted:
            continue
        tally = counts[(year, period)]
        tally[0] += count
        if _code(status) in EMPLOYED:
            tally[1] += count
            tally[2] += count if stable is not None else 0
            tally[3] += count if stable else 0
    rows = []
    for (cohort, period), k in sorted(wanted.items(), key=lambda item: (item[0][0], item[1])):
        answered, employed, stable_answered, stable = counts.get((cohort, period), [0, 0, 0, 0])
        rows.append(
            TracerRow(
                cohort,
                k,
                period,
                answered,
                employed,
                share(employed, answered),
                stable_answered,
                stable,
                share(stable, stable_answered),
            )
        )
    return rows


# --- months ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    """One month of check-ins: asked, answered, employed among answers."""

    period: str
    asked: int
    answered: int
    employed: int
    response_rate: float | None
    employment_rate: float | None


async def by_month(session: AsyncSession, *, scope: Scope, period: Period) -> list[MonthRow]:
    """Each month's check-in figures (the trend lines of the annual report)."""
    counts: dict[str, list[int]] = {m: [0, 0, 0] for m in period.months()}
    async with reporting.graduate_groups(session, scope, by=None) as groups:
        rows = await reporting.monthly_counts(session, groups, first=period.first, last=period.last)
    for _, month, status, count in rows:
        tally = counts[month]
        tally[0] += count
        if status is not None:
            tally[1] += count
            tally[2] += count if _code(status) in EMPLOYED else 0
    return [
        MonthRow(m, a, n, e, share(n, a), share(e, n)) for m, (a, n, e) in sorted(counts.items())
    ]

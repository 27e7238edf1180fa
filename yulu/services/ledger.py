"""The ledger (台账): one row per person the county knows, streamed, with Chinese headers.

`ledger_rows` is the entry point for any channel (the CLI export, the web console): an async
iterator of `LedgerRow`, one batch of people and their check-ins, cases and notices at a time,
so memory does not grow with the number of people. Phones and ID numbers are masked unless
`full`; a full export is audit-logged by `export_ledger`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.core.errors import InvalidInput
from yulu.core.i18n import Translator
from yulu.services import audit, places
from yulu.services.privacy import FieldCipher, mask_id_number, mask_phone
from yulu.services.reports import Period
from yulu.services.tabular import read_records, table_writer
from yulu.storage import reporting
from yulu.storage.reporting import KINDS, Scope

UNANSWERED = "unanswered"  # asked that month, no answer (未答)
KEY_PREFIX = {"roster": "R", "labour": "L", "signup": "G"}
KIND_TEXT = {
    "roster": "ledger-kind-roster",
    "labour": "ledger-kind-labour",
    "signup": "ledger-kind-signup",
}
EDUCATION_TEXT = {
    "secondary": "education-secondary",
    "higher": "education-higher",
    "technical": "education-technical",
    "junior": "ledger-education-junior",
    "senior": "ledger-education-senior",
}
INTENTION_TEXT = {  # the 入学季 answers (campaigns.enrollment buttons) and the roster's words
    "enrol": "ledger-intention-enrol",
    "considering": "ledger-intention-considering",
    "working": "ledger-intention-working",
    "not_now": "ledger-intention-not_now",
}

# (field, locale key, column width) of each sheet; the 月度状态 sheet adds one column a month.
PEOPLE_COLUMNS = (
    ("key", "ledger-col-key", 10),
    ("kind", "ledger-col-kind", 14),
    ("name", "ledger-col-name", 10),
    ("phone", "ledger-col-phone", 14),
    ("id_number", "ledger-col-id_number", 21),
    ("region", "ledger-col-region", 24),
    ("key_county", "ledger-col-key_county", 10),
    ("household_type", "ledger-col-household_type", 10),
    ("relocated", "ledger-col-relocated", 8),
    ("school", "ledger-col-school", 20),
    ("major", "ledger-col-major", 16),
    ("education", "ledger-col-education", 8),
    ("graduation_year", "ledger-col-graduation_year", 8),
    ("signed_up", "ledger-col-signed_up", 8),
    ("verified", "ledger-col-verified", 8),
    ("cadre", "ledger-col-cadre", 10),
    ("reachable", "ledger-col-reachable", 8),
    ("subscribed", "ledger-col-subscribed", 8),
    ("status", "ledger-col-status", 12),
    ("income", "ledger-col-income", 12),
    ("intention", "ledger-col-intention", 12),
    ("cases_opened", "ledger-col-cases_opened", 8),
    ("cases_resolved", "ledger-col-cases_resolved", 8),
    ("notices", "ledger-col-notices", 8),
    ("interest", "ledger-col-interest", 8),
)
HISTORY_COLUMNS = (
    ("key", "ledger-col-key", 10),
    ("name", "ledger-col-name", 10),
    ("region", "ledger-col-region", 24),
)
CASE_COLUMNS = (
    ("ledger-case-id", 8),
    ("ledger-col-key", 10),
    ("ledger-col-name", 10),
    ("ledger-col-phone", 14),
    ("ledger-col-region", 24),
    ("ledger-case-reason", 12),
    ("ledger-case-status", 10),
    ("ledger-col-cadre", 10),
    ("ledger-case-opened", 17),
    ("ledger-case-acknowledged", 17),
    ("ledger-case-resolved", 17),
    ("ledger-case-outcome", 14),
)
JOB_COLUMNS = (
    ("ledger-col-key", 10),
    ("ledger-col-name", 10),
    ("ledger-col-region", 24),
    ("ledger-job-title", 20),
    ("ledger-job-employer", 20),
    ("ledger-job-place", 14),
    ("ledger-job-noticed", 17),
    ("ledger-job-interested", 17),
)
SHEETS = ("ledger-sheet-people", "ledger-sheet-history", "ledger-sheet-cases", "ledger-sheet-jobs")


@dataclass
class LedgerRow:
    """One person as the ledger shows them. Codes, not labels: `cells` renders them."""

    key: str  # R12 (雨露计划 roster row), L5 (新成长劳动力 row), G33 (sign-up only)
    kind: str  # roster / labour / signup
    graduate_id: int | None
    name: str
    phone: str
    id_number: str
    region: str
    key_county: bool
    household_type: str
    relocated: bool
    school: str
    major: str
    education: str  # secondary/higher/technical, or junior/senior for new labour
    graduation_year: int
    verified: bool
    cadre: str
    reachable: bool
    subscribed: bool
    status: str | None  # the graduate's current status code
    income: str | None  # the latest income band in the range
    intention: str | None  # 入读意愿: the latest 入学季 answer, else the roster's
    cases_opened: int = 0
    cases_resolved: int = 0
    notices: int = 0
    interest: int = 0
    history: dict[str, str] = field(default_factory=dict)  # month → status code / UNANSWERED

    @property
    def signed_up(self) -> bool:
        return self.graduate_id is not None


async def ledger_rows(
    session: AsyncSession,
    cipher: FieldCipher,
    *,
    scope: Scope,
    period: Period,
    full: bool = False,
    batch: int = 1000,
    intention_campaign: str = "enrollment",
) -> AsyncIterator[LedgerRow]:
    """Every person in scope, roster rows first, then new labour, then other sign-ups."""
    for kind in KINDS:
        after = 0
        while True:
            people = await reporting.people_batch(
                session, scope, kind=kind, after=after, limit=batch
            )
            if not people:
                break
            after = people[-1].person_id
            pairs = [_row(person, cipher, full=full) for person in people]
            await _fill(session, pairs, period=period, intention_campaign=intention_campaign)
            for row, _ in pairs:
                yield row


def _row(person: Any, cipher: FieldCipher, *, full: bool) -> tuple[LedgerRow, int | None]:
    """The person's own fields, and their cadre's id (named in `_fill`)."""
    phone = cipher.decrypt(person.phone_enc) if person.phone_enc else ""
    id_number = cipher.decrypt(person.id_number_enc) if person.id_number_enc else ""
    return LedgerRow(
        key=f"{KEY_PREFIX[person.kind]}{person.person_id}",
        kind=person.kind,
        graduate_id=person.graduate_id,
        name=person.name,
        phone=phone if full or not phone else mask_phone(phone),
        id_number=id_number if full or not id_number else mask_id_number(id_number),
        region=person.region,
        key_county=bool(person.key_county),
        household_type=person.household_type or "",
        relocated=bool(person.relocated),
        school=person.school,
        major=person.major or "",
        education=person.education,
        graduation_year=person.graduation_year,
        verified=bool(person.verified),
        cadre="",
        reachable=bool(person.reachable),
        subscribed=person.graduate_id is not None and person.unsubscribed_at is None,
        status=person.status,
        income=None,
        intention=person.intention,
    ), person.cadre_id


async def _fill(
    session: AsyncSession,
    pairs: list[tuple[LedgerRow, int | None]],
    *,
    period: Period,
    intention_campaign: str,
) -> None:
    """Add the batch's check-in history, cases, notices, answers and cadre names, in place."""
    rows = [row for row, _ in pairs]
    cadre_ids = {cadre_id for _, cadre_id in pairs if cadre_id is not None}
    names = await reporting.cadre_names(session, sorted(cadre_ids)) if cadre_ids else {}
    for row, cadre_id in pairs:
        row.cadre = names.get(cadre_id, "") if cadre_id is not None else ""
    by_graduate = {row.graduate_id: row for row in rows if row.graduate_id is not None}
    if not by_graduate:
        return
    ids = sorted(by_graduate)
    for check_in in await reporting.check_ins_of(
        session, ids, first=period.first, last=period.last
    ):
        row = by_graduate[check_in.graduate_id]
        answered = bool(check_in.answered) and check_in.status is not None
        row.history[check_in.period] = check_in.status.value if answered else UNANSWERED
        if check_in.income_band:
            row.income = check_in.income_band
    for gid, (opened, resolved) in (await reporting.case_counts_of(session, ids)).items():
        by_graduate[gid].cases_opened, by_graduate[gid].cases_resolved = opened, resolved
    for gid, (notices, interest) in (await reporting.job_counts_of(session, ids)).items():
        by_graduate[gid].notices, by_graduate[gid].interest = notices, interest
    answers = await reporting.answers_of(session, ids, campaign=intention_campaign)
    for gid, value in answers.items():
        by_graduate[gid].intention = value


# --- rendering ------------------------------------------------------------------------------


class _Labels:
    """A translator that formats each argument-less key once (an export asks the same few
    labels millions of times)."""

    def __init__(self, t: Translator) -> None:
        self._t = t
        self._seen: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self._seen:
            self._seen[key] = self._t(key)
        return self._seen[key]


Label = Callable[[str], str]  # a Translator, or _Labels around one


def _yes(t: Label, value: bool) -> str:
    return t("yes") if value else t("no")


def cells(row: LedgerRow, t: Label) -> dict[str, Any]:
    """The 人员台账 cells of one row, in Chinese."""
    return {
        "key": row.key,
        "kind": t(KIND_TEXT[row.kind]),
        "name": row.name,
        "phone": row.phone,
        "id_number": row.id_number,
        "region": row.region,
        "key_county": _yes(t, row.key_county),
        "household_type": row.household_type,
        "relocated": _yes(t, row.relocated),
        "school": row.school,
        "major": row.major,
        "education": t(EDUCATION_TEXT[row.education]) if row.education in EDUCATION_TEXT else "",
        "graduation_year": row.graduation_year,
        "signed_up": _yes(t, row.signed_up),
        "verified": _yes(t, row.verified),
        "cadre": row.cadre,
        "reachable": _yes(t, row.reachable),
        "subscribed": _yes(t, row.subscribed) if row.signed_up else "",
        "status": t(f"status-{row.status}") if row.status else "",
        "income": t(f"checkin-income-{row.income}") if row.income else "",
        "intention": t(INTENTION_TEXT[row.intention]) if row.intention in INTENTION_TEXT else "",
        "cases_opened": row.cases_opened,
        "cases_resolved": row.cases_resolved,
        "notices": row.notices,
        "interest": row.interest,
    }


def history_cell(t: Label, value: str | None) -> str:
    """A month of the 月度状态 sheet: the answer, 未答 when asked and not answered, else blank."""
    if value is None:
        return ""
    return t("ledger-unanswered") if value == UNANSWERED else t(f"status-{value}")


@dataclass
class LedgerExport:
    """What an export wrote: people, cases and notices, and the files."""

    people: int = 0
    cases: int = 0
    jobs: int = 0
    paths: list[Path] = field(default_factory=list)


async def export_ledger(
    session_factory: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    t: Translator,
    path: Path,
    *,
    scope: Scope,
    period: Period,
    full: bool,
    actor: str,
    tz: str,
    batch: int = 1000,
    intention_campaign: str = "enrollment",
    on_rows: Callable[[int], None] = lambda n: None,
) -> LedgerExport:
    """Write the ledger: XLSX with four sheets, or CSV (people + months; cases and jobs beside)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InvalidInput("file-type", f"{path}: use a .csv or .xlsx file")
    months = period.months()
    report, labels = LedgerExport(), _Labels(t)
    with _sheets(path, t, months) as sheets:
        async with session_factory() as session:
            async for row in ledger_rows(
                session,
                cipher,
                scope=scope,
                period=period,
                full=full,
                batch=batch,
                intention_campaign=intention_campaign,
            ):
                rendered = cells(row, labels)
                history = [history_cell(labels, row.history.get(m)) for m in months]
                sheets.people(
                    [rendered[name] for name, _, _ in PEOPLE_COLUMNS]
                    + (history if sheets.joined else [])
                )
                if not sheets.joined:
                    sheets.history([rendered[n] for n, _, _ in HISTORY_COLUMNS] + history)
                report.people += 1
                if report.people % batch == 0:
                    on_rows(batch)
            on_rows(report.people % batch)
            report.cases = await _write_cases(
                session, cipher, t, sheets.cases, scope, period, tz, full
            )
            report.jobs = await _write_jobs(session, t, sheets.jobs, scope, period, tz)
        report.paths = sheets.paths
    async with session_factory.begin() as session:
        audit.record(
            session,
            actor=actor,
            action="ledger.export_full" if full else "ledger.export",
            subject=path.name,
            rows=report.people,
            cases=report.cases,
            region=scope.county or scope.city or scope.province or "",
            first=period.first,
            last=period.last,
        )
    return report


@dataclass
class _Sheets:
    people: Callable[[list[Any]], None]
    history: Callable[[list[Any]], None]
    cases: Callable[[list[Any]], None]
    jobs: Callable[[list[Any]], None]
    joined: bool  # CSV: the months are columns of the people file
    paths: list[Path]


@contextmanager
def _sheets(path: Path, t: Translator, months: list[str]) -> Any:
    people_header = [(t(key), width) for _, key, width in PEOPLE_COLUMNS]
    history_header = [(t(key), width) for _, key, width in HISTORY_COLUMNS]
    history_header += [(month, 9) for month in months]
    case_header = [(t(key), width) for key, width in CASE_COLUMNS]
    job_header = [(t(key), width) for key, width in JOB_COLUMNS]
    if path.suffix.lower() == ".csv":
        paths = [path] + [path.with_name(f"{path.stem}-{t(s)}.csv") for s in SHEETS[2:]]
        with ExitStack() as stack:
            people = stack.enter_context(table_writer(path, [h for h, _ in people_header] + months))
            cases = stack.enter_context(table_writer(paths[1], [h for h, _ in case_header]))
            jobs = stack.enter_context(table_writer(paths[2], [h for h, _ in job_header]))
            yield _Sheets(people, lambda row: None, cases, jobs, True, paths)
        return
    workbook = Workbook(write_only=True)
    appenders = []
    for title, header in zip(
        SHEETS, (people_header, history_header, case_header, job_header), strict=True
    ):
        sheet = workbook.create_sheet(t(title))
        for index, (_, width) in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([text for text, _ in header])
        appenders.append(sheet.append)
    yield _Sheets(*appenders, False, [path])
    workbook.save(path)


def _local(value: Any, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if value else ""


async def _write_cases(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    write: Callable[[list[Any]], None],
    scope: Scope,
    period: Period,
    tz: str,
    full: bool,
) -> int:
    start, end = period.bounds(tz)
    count = 0
    result = await session.stream(
        reporting.cases_query(scope, start=start, end=end).execution_options(yield_per=1000)
    )
    async for case in result:
        phone = cipher.decrypt(case.phone_enc)
        write(
            [
                case.id,
                f"G{case.graduate_id}",
                case.name,
                phone if full else mask_phone(phone),
                case.region,
                t(f"case-reason-{case.reason.value}"),
                t(f"case-status-{case.status.value}"),
                case.cadre or "",
                _local(case.opened_at, tz),
                _local(case.acknowledged_at, tz),
                _local(case.resolved_at, tz),
                t(f"case-outcome-{case.outcome}") if case.outcome else "",
            ]
        )
        count += 1
    return count


async def _write_jobs(
    session: AsyncSession,
    t: Translator,
    write: Callable[[list[Any]], None],
    scope: Scope,
    period: Period,
    tz: str,
) -> int:
    start, end = period.bounds(tz)
    count = 0
    result = await session.stream(
        reporting.jobs_query(scope, start=start, end=end).execution_options(yield_per=1000)
    )
    async for job in result:
        write(
            [
                f"G{job.graduate_id}",
                job.name,
                job.region,
                job.title,
                job.employer,
                job.place,
                _local(job.noticed_at, tz),
                _local(job.interested_at, tz),
            ]
        )
        count += 1
    return count


# --- 国家乡村振兴重点帮扶县 -----------------------------------------------------------------

KEY_COUNTY_COLUMNS: dict[str, tuple[str, ...]] = {
    "province": ("省", "省份", "省（区、市）", "province"),
    "city": ("市", "市州", "地市", "city"),
    "county": ("县", "县名", "县（市、区）", "重点帮扶县", "county", "name"),
}


@dataclass
class KeyCountyImport:
    """Counties marked as 重点帮扶县, and rows whose county could not be resolved."""

    counties: list[str] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)


async def import_key_counties(session: AsyncSession, path: Path, *, actor: str) -> KeyCountyImport:
    """Replace the list of 重点帮扶县 with the counties in a CSV/XLSX file (audit-logged)."""
    report = KeyCountyImport()
    region_ids: list[int] = []
    for number, raw in read_records(path, KEY_COUNTY_COLUMNS, required=("county",)):
        text = "".join(raw.get(part, "") for part in ("province", "city", "county"))
        try:
            region = await places.region_for(session, places.county(text))
        except InvalidInput:
            report.unknown.append((number, text))
            continue
        region_ids.append(region.id)
        report.counties.append(region.full_name)
    await reporting.set_key_counties(session, sorted(set(region_ids)))
    audit.record(
        session,
        actor=actor,
        action="regions.key_counties",
        subject=path.name,
        counties=len(set(region_ids)),
        unknown=len(report.unknown),
    )
    return report

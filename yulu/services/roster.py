"""Roster import: row-by-row validation, upsert by ID number, re-match sign-ups.

Two rosters arrive the same way: the 雨露计划 roster of vocational students and graduates
(学籍/帮扶名单, 中职/高职/技工: what a sign-up is verified against) and the 新成长劳动力 roster
(初中/高中 leavers of 脱贫/监测 households, with their 入读意愿: the 入学季 campaign's audience).
A row's kind comes from its 人员类别 column when the file has one, else from ``kind`` (the
``--kind`` option), else from its 学历层次 (初中/高中 is a new labourer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.core.errors import InvalidInput
from yulu.services import audit, places, validation
from yulu.services.privacy import FieldCipher
from yulu.services.signup import match_roster
from yulu.services.tabular import read_records
from yulu.storage.ledger import LabourEntry, SchoolStage, labour_fingerprints
from yulu.storage.models import Base, RosterEntry, utcnow
from yulu.storage.people import (
    assign_missing_cadres,
    cadre_by_phone_hash,
    roster_fingerprints,
    unverified_graduates_matching,
)
from yulu.storage.queries import insert_for

CHUNK = 500
HOUSEHOLD_TYPES = ("脱贫家庭", "监测对象")
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "id_number", "id"),
    "phone": ("手机号", "手机号码", "phone", "mobile"),
    "school": ("学校", "school"),
    "major": ("专业", "major"),
    "education_level": ("学历层次", "学历", "education_level", "education"),
    "graduation_year": ("毕业年份", "毕业年度", "graduation_year", "year"),
    "hukou": ("户籍地", "hukou", "household_registration"),
    "household_type": ("家庭类型", "household_type"),
    "relocated": ("易地搬迁", "relocated"),
    "cadre_phone": ("帮扶干部手机号", "cadre_phone"),
    "kind": ("人员类别", "名单类型", "kind"),
    "intention": ("入读意愿", "就读意愿", "intention"),
}
REQUIRED = (
    "name",
    "id_number",
    "school",
    "major",
    "education_level",
    "graduation_year",
    "hukou",
    "household_type",
)
STUDENT, NEW_LABOUR = "student", "new-labour"
KINDS = (STUDENT, NEW_LABOUR)
KIND_WORDS = {
    "雨露计划": STUDENT,
    "学生": STUDENT,
    "毕业生": STUDENT,
    "新成长劳动力": NEW_LABOUR,
    "新劳动力": NEW_LABOUR,
    "student": STUDENT,
    "new-labour": NEW_LABOUR,
    "new_labour": NEW_LABOUR,
}
STAGE_WORDS = {"初中": SchoolStage.JUNIOR, "高中": SchoolStage.SENIOR, "普高": SchoolStage.SENIOR}
# 入读意愿 → the value the 入学季 campaign's buttons record, so file and answers read alike.
INTENTION_WORDS = {
    "enrol": ("愿意", "是", "打算就读", "报名", "已报名", "就读"),
    "considering": ("考虑", "未定", "犹豫", "不确定"),
    "working": ("就业", "务工", "打工", "工作"),
    "not_now": ("否", "不愿意", "暂不", "不读"),
}


@dataclass
class ImportReport:
    """What an import did, and every bad row with its number and reason."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    verified_graduates: int = 0
    new_labour: int = 0  # rows of the 新成长劳动力 roster among the good ones


@dataclass
class _Context:
    cipher: FieldCipher
    region_ids: dict[str, int] = field(default_factory=dict)
    cadre_ids: dict[str, int | None] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    default_kind: str | None = None


async def import_roster(
    session_factory: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    path: Path,
    *,
    kind: str | None = None,
    on_rows: Callable[[int], None] = lambda n: None,
    actor: str = "cli",
) -> ImportReport:
    """Import a CSV/XLSX roster: good rows go in (upsert), bad rows are reported.

    `kind` ("student" or "new-labour") is the kind of rows that do not say theirs.
    """
    report, context = ImportReport(), _Context(cipher, default_kind=kind)
    required = REQUIRED if kind == STUDENT else tuple(c for c in REQUIRED if c != "major")
    for chunk in _chunks(read_records(path, COLUMNS, required=required)):
        async with session_factory.begin() as session:
            rows = [
                row for row in [await _row(session, context, n, r, report) for n, r in chunk] if row
            ]
            students = [r for k, r in rows if k == STUDENT]
            labour = [r for k, r in rows if k == NEW_LABOUR]
            report.new_labour += len(labour)
            await _upsert(session, RosterEntry, students, report)
            await _upsert(session, LabourEntry, labour, report)
            report.verified_graduates += await _rematch(session, cipher, students)
        on_rows(len(chunk))
    async with session_factory.begin() as session:
        audit.record(
            session,
            actor=actor,
            action="roster.import",
            subject=path.name,
            inserted=report.inserted,
            updated=report.updated,
            errors=len(report.errors),
        )
    return report


def _chunks(
    records: Iterator[tuple[int, dict[str, str]]],
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _row(
    session: AsyncSession, context: _Context, number: int, raw: dict[str, str], report: ImportReport
) -> tuple[str, dict[str, Any]] | None:
    """Validate one row into (kind, column values), or record why it is bad."""
    try:
        kind = _kind(raw, context.default_kind)
        values = await _validate(session, context, raw, kind=kind)
    except InvalidInput as exc:
        report.errors.append((number, exc.reason))
        return None
    seen_key = f"{kind}:{values['id_number_hash']}"
    if seen_key in context.seen:
        report.errors.append((number, "duplicate-in-file"))
        return None
    context.seen.add(seen_key)
    if raw.get("cadre_phone") and values["cadre_id"] is None:
        report.warnings.append((number, "cadre-unknown"))
    return kind, values


def _kind(raw: dict[str, str], default: str | None) -> str:
    """The row's roster: its 人员类别, else the import's kind, else what its 学历层次 says."""
    said = raw.get("kind", "").strip()
    if said:
        if said not in KIND_WORDS:
            raise InvalidInput("roster-kind")
        return KIND_WORDS[said]
    if default is not None:
        return default
    level = raw.get("education_level", "").strip()
    return NEW_LABOUR if any(word in level for word in STAGE_WORDS) else STUDENT


def _stage(text: str) -> SchoolStage:
    for word, stage in STAGE_WORDS.items():
        if word in text:
            return stage
    raise InvalidInput("school-stage")


def _intention(text: str) -> str | None:
    """入读意愿 as the 入学季 answer value; empty is unknown."""
    text = text.strip()
    if not text:
        return None
    for value, words in INTENTION_WORDS.items():
        if text == value or any(word in text for word in words):
            return value
    raise InvalidInput("intention")


async def _validate(
    session: AsyncSession, context: _Context, raw: dict[str, str], *, kind: str
) -> dict[str, Any]:
    cipher = context.cipher
    id_number = validation.id_number(_need(raw, "id_number"))
    phone = validation.phone(raw["phone"]) if raw.get("phone") else None
    household = _need(raw, "household_type")
    if household not in HOUSEHOLD_TYPES:
        raise InvalidInput("household-type")
    values: dict[str, Any] = {
        "name": validation.person_name(_need(raw, "name")),
        "id_number_hash": cipher.lookup_hash(id_number),
        "phone_hash": cipher.lookup_hash(phone) if phone else None,
        "school": validation.short_text(_need(raw, "school"), reason="school"),
        "hukou_region_id": await _region_id(session, context, _need(raw, "hukou")),
        "household_type": household,
        "relocated": validation.yes_no(raw.get("relocated", "")),
        "cadre_id": await _cadre_id(session, context, raw.get("cadre_phone", "")),
    }
    year = validation.graduation_year(_need(raw, "graduation_year"))
    if kind == NEW_LABOUR:
        values["stage"] = _stage(_need(raw, "education_level"))
        values["leaving_year"] = year
        values["intention"] = _intention(raw.get("intention", ""))
    else:
        values["major"] = validation.short_text(_need(raw, "major"), reason="major", high=40)
        values["education_level"] = validation.education_level(_need(raw, "education_level"))
        values["graduation_year"] = year
    values["fingerprint"] = cipher.lookup_hash(
        repr(sorted(values.items())) + id_number + (phone or "")
    )
    values["id_number_enc"] = cipher.encrypt(id_number)
    values["phone_enc"] = cipher.encrypt(phone) if phone else None
    return values


def _need(raw: dict[str, str], key: str) -> str:
    value = raw.get(key, "").strip()
    if not value:
        raise InvalidInput(f"missing-{key.replace('_', '-')}")
    return value


async def _region_id(session: AsyncSession, context: _Context, text: str) -> int:
    if text not in context.region_ids:
        context.region_ids[text] = (await places.region_for(session, places.county(text))).id
    return context.region_ids[text]


async def _cadre_id(session: AsyncSession, context: _Context, phone_text: str) -> int | None:
    if not phone_text:
        return None
    if phone_text not in context.cadre_ids:
        phone = validation.phone(phone_text)
        cadre = await cadre_by_phone_hash(session, context.cipher.lookup_hash(phone))
        context.cadre_ids[phone_text] = cadre.id if cadre else None
    return context.cadre_ids[phone_text]


async def _upsert(
    session: AsyncSession, model: type[Base], rows: list[dict[str, Any]], report: ImportReport
) -> None:
    """Insert new rows and update changed ones; identical rows are left alone."""
    if not rows:
        return
    fingerprints = labour_fingerprints if model is LabourEntry else roster_fingerprints
    known = await fingerprints(session, [r["id_number_hash"] for r in rows])
    changed = [r for r in rows if known.get(r["id_number_hash"]) != r["fingerprint"]]
    report.unchanged += len(rows) - len(changed)
    report.updated += sum(1 for r in changed if r["id_number_hash"] in known)
    report.inserted += sum(1 for r in changed if r["id_number_hash"] not in known)
    if not changed:
        return
    now = utcnow()
    statement = insert_for(session, model)
    updatable = [c for c in changed[0] if c != "id_number_hash"] + ["updated_at"]
    upsert = statement.on_conflict_do_update(
        index_elements=["id_number_hash"], set_={c: statement.excluded[c] for c in updatable}
    )
    # executemany: compiled once per import, not once per chunk of 500 rows
    await session.execute(upsert, [{**r, "imported_at": now, "updated_at": now} for r in changed])


async def _rematch(session: AsyncSession, cipher: FieldCipher, rows: list[dict[str, Any]]) -> int:
    """Verify graduates who signed up before their roster row arrived."""
    if not rows:
        return 0
    id_hashes = [r["id_number_hash"] for r in rows]
    phone_hashes = [r["phone_hash"] for r in rows if r["phone_hash"]]
    count = 0
    graduates = await unverified_graduates_matching(session, id_hashes, phone_hashes)
    for graduate in graduates:
        await match_roster(session, cipher, graduate)
        count += graduate.verified
    await assign_missing_cadres(session, id_hashes)  # verified before their cadre was added
    return count

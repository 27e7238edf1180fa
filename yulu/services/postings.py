"""Posting import (岗位归集): row-by-row validation, upsert by 岗位编号 or content, trade codes."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.core.errors import InvalidInput
from yulu.nlu.entities import parse_income
from yulu.services import audit, places, validation
from yulu.services.majors import MajorMap, major_map
from yulu.services.tabular import read_records, table_writer
from yulu.storage.postings import (
    EmployerType,
    PostingKind,
    posting_fingerprints,
    replace_posting_trades,
    set_posting_trades,
    stale_postings,
    trade_key,
    upsert_postings,
)

if TYPE_CHECKING:
    from yulu.services.context import Runtime

CHUNK = 500
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("岗位编号", "posting_code", "code"),
    "employer": ("单位名称", "用人单位", "employer", "company"),
    "employer_type": ("单位性质", "employer_type"),
    "title": ("岗位名称", "title", "position"),
    "kind": ("岗位类型", "kind", "type"),
    "place": ("工作地点", "place", "location"),
    "majors": ("专业要求", "majors", "major"),
    "education": ("学历要求", "education"),
    "pay_min": ("薪资下限", "pay_min", "salary_min"),
    "pay_max": ("薪资上限", "pay_max", "salary_max"),
    "headcount": ("招聘人数", "headcount"),
    "deadline": ("截止日期", "deadline"),
    "apply_how": ("报名方式", "how_to_apply", "apply"),
    "notes": ("备注", "notes"),
}
REQUIRED = ("employer", "title", "kind", "place", "apply_how")
HEADER = [
    "岗位编号",
    "单位名称",
    "单位性质",
    "岗位名称",
    "岗位类型",
    "工作地点",
    "专业要求",
    "学历要求",
    "薪资下限",
    "薪资上限",
    "招聘人数",
    "截止日期",
    "报名方式",
    "备注",
]
# Words administrators write in these columns (the parsing vocabulary, like validation's).
KIND_WORDS = {  # first match wins: 就业见习 is 见习, not a job
    "见习": PostingKind.TRAINEESHIP,
    "实习": PostingKind.INTERNSHIP,
    "定向": PostingKind.TARGETED,
    "订单": PostingKind.TARGETED,
    "全职": PostingKind.FULL_TIME,
    "正式": PostingKind.FULL_TIME,
    "就业": PostingKind.FULL_TIME,
    "招聘": PostingKind.FULL_TIME,
}
EMPLOYER_WORDS = {
    "央企": EmployerType.CENTRAL_SOE,
    "中央企业": EmployerType.CENTRAL_SOE,
    "国企": EmployerType.SOE,
    "国有": EmployerType.SOE,
    "民企": EmployerType.PRIVATE,
    "民营": EmployerType.PRIVATE,
    "私营": EmployerType.PRIVATE,
    "私企": EmployerType.PRIVATE,
    "个体": EmployerType.PRIVATE,
    "事业单位": EmployerType.PUBLIC_INSTITUTION,
    "事业": EmployerType.PUBLIC_INSTITUTION,
    "机关": EmployerType.GOVERNMENT,
    "政府": EmployerType.GOVERNMENT,
    "外企": EmployerType.FOREIGN,
    "外资": EmployerType.FOREIGN,
    "合资": EmployerType.FOREIGN,
    "社会组织": EmployerType.SOCIAL,
    "协会": EmployerType.SOCIAL,
    "其他": EmployerType.OTHER,
}
EDUCATION_RANK = {
    "本科": 3,
    "高职": 2,
    "大专": 2,
    "专科": 2,
    "中职": 1,
    "中专": 1,
    "技工": 1,
    "技校": 1,
    "职高": 1,
    "高中": 0,
    "初中": 0,
    "不限": 0,
}
NATIONWIDE_WORDS = frozenset({"全国", "不限", "不限地区", "全国各地", "各地"})
OPEN_ENDED_WORDS = frozenset({"长期", "长期有效", "常年", "不限", "招满为止"})
_DATE = re.compile(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")


@dataclass
class ImportReport:
    """What an import did, and every bad row with its number and reason."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Context:
    majors: MajorMap
    today: date
    region_ids: dict[str, int | None] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)


async def import_postings(
    session_factory: async_sessionmaker[AsyncSession],
    path: Path,
    *,
    today: date,
    on_rows: Callable[[int], None] = lambda n: None,
    actor: str = "cli",
) -> ImportReport:
    """Import a CSV/XLSX posting list: good rows go in (upsert), bad rows are reported."""
    report, context = ImportReport(), _Context(major_map(), today)
    for chunk in _chunks(read_records(path, COLUMNS, required=REQUIRED)):
        async with session_factory.begin() as session:
            rows = [
                row
                for number, raw in chunk
                if (row := await _row(session, context, number, raw, report))
            ]
            await _upsert(session, context.majors, rows, report)
        on_rows(len(chunk))
    async with session_factory.begin() as session:
        audit.record(
            session,
            actor=actor,
            action="posting.import",
            subject=path.name,
            inserted=report.inserted,
            updated=report.updated,
            errors=len(report.errors),
        )
    return report


Record = tuple[int, dict[str, str]]


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _row(
    session: AsyncSession, context: _Context, number: int, raw: dict[str, str], report: ImportReport
) -> dict[str, Any] | None:
    """Validate one row into column values, or record why it is bad."""
    try:
        values, codes, unknown = await _validate(session, context, raw)
    except InvalidInput as exc:
        report.errors.append((number, exc.reason))
        return None
    if values["source_key"] in context.seen:
        report.errors.append((number, "duplicate-posting-in-file"))
        return None
    context.seen.add(values["source_key"])
    if unknown:
        report.warnings.append((number, "major-partly-unknown"))
    if values["deadline"] is not None and values["deadline"] < context.today:
        report.warnings.append((number, "deadline-passed"))
    return {**values, "_codes": codes}


async def _validate(
    session: AsyncSession, context: _Context, raw: dict[str, str]
) -> tuple[dict[str, Any], dict[str, int], list[str]]:
    codes, unknown = context.majors.requirement_codes(raw.get("majors", ""))
    if not codes:
        raise InvalidInput("major-unknown")
    pay_min, pay_max = _pay(raw.get("pay_min", "")), _pay(raw.get("pay_max", ""))
    if pay_min and pay_max and pay_min > pay_max:
        raise InvalidInput("pay-range")
    values: dict[str, Any] = {
        "employer": validation.short_text(_need(raw, "employer"), reason="employer", high=120),
        "employer_type": _employer_type(raw.get("employer_type", "")),
        "title": validation.short_text(_need(raw, "title"), reason="title", high=120),
        "kind": _kind(_need(raw, "kind")),
        "place": _need(raw, "place"),
        "region_id": await _region_id(session, context, _need(raw, "place")),
        "majors": raw.get("majors", "").strip()[:400],
        "trade_key": trade_key(codes),
        "map_version": context.majors.version,
        "education_min": _education(raw.get("education", "")),
        "pay_min": pay_min,
        "pay_max": pay_max,
        "headcount": _headcount(raw.get("headcount", "")),
        "deadline": _deadline(raw.get("deadline", "")),
        "apply_how": validation.short_text(_need(raw, "apply_how"), reason="apply-how", high=500),
        "notes": raw.get("notes", "").strip()[:500] or None,
    }
    content = repr(sorted((k, str(v)) for k, v in values.items()))
    values["fingerprint"] = hashlib.sha256(content.encode()).hexdigest()
    values["source_key"] = _source_key(raw, values)
    return values, codes, unknown


def _need(raw: dict[str, str], key: str) -> str:
    value = raw.get(key, "").strip()
    if not value:
        raise InvalidInput(f"missing-{key.replace('_', '-')}")
    return value


def _source_key(raw: dict[str, str], values: dict[str, Any]) -> str:
    """The 岗位编号 when given; else employer + title + place + kind, so a re-import updates."""
    code = raw.get("code", "").strip()
    if code:
        return f"code:{code}"[:64]
    identity = "|".join(
        [values["employer"], values["title"], values["place"], values["kind"].value]
    )
    return "row:" + hashlib.sha256(identity.encode()).hexdigest()[:40]


def _kind(text: str) -> PostingKind:
    for member in PostingKind:
        if text.strip().lower() == member.value:
            return member
    for word, kind in KIND_WORDS.items():
        if word in text:
            return kind
    raise InvalidInput("posting-kind")


def _employer_type(text: str) -> EmployerType:
    if not text.strip():
        return EmployerType.OTHER
    for word, kind in EMPLOYER_WORDS.items():
        if word in text:
            return kind
    raise InvalidInput("employer-type")


def _education(text: str) -> int:
    """The lowest level accepted: 0 any, 1 中职/技工, 2 高职, 3 本科 (no graduate of ours)."""
    if not text.strip():
        return 0
    found = [rank for word, rank in EDUCATION_RANK.items() if word in text]
    if not found:
        raise InvalidInput("education-requirement")
    return min(found)


def _pay(text: str) -> int | None:
    """Monthly pay in yuan: 4000, 4k, 四千, 4千5; blank or 面议 is not stated."""
    text = text.strip()
    if not text or text in ("面议", "-"):
        return None
    value = int(text) if text.isdigit() else parse_income(text)
    if value is None or not 100 <= value <= 100_000:
        raise InvalidInput("pay")
    return value


def _headcount(text: str) -> int | None:
    text = text.strip().rstrip("人名")
    if not text or text in ("若干", "不限"):
        return None
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput("headcount")
    return int(text)


def _deadline(text: str) -> date | None:
    """2026-12-31, 2026/12/31, 2026年12月31日 or an Excel date; 长期 means none."""
    text = text.strip()
    if not text or text in OPEN_ENDED_WORDS:
        return None
    match = _DATE.search(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise InvalidInput("deadline") from exc


async def _region_id(session: AsyncSession, context: _Context, text: str) -> int | None:
    """The region a place names (any level); None for 全国."""
    if text not in context.region_ids:
        if text.strip() in NATIONWIDE_WORDS:
            context.region_ids[text] = None
        else:
            place = places.resolve(text)
            if place is None:
                raise InvalidInput("place-unknown")
            context.region_ids[text] = (await places.region_for(session, place)).id
    return context.region_ids[text]


async def _upsert(
    session: AsyncSession, majors: MajorMap, rows: list[dict[str, Any]], report: ImportReport
) -> None:
    """Insert new postings, update changed ones and their trade codes; identical rows stay."""
    known = await posting_fingerprints(session, [r["source_key"] for r in rows])
    changed = [r for r in rows if known.get(r["source_key"]) != r["fingerprint"]]
    report.unchanged += len(rows) - len(changed)
    report.updated += sum(1 for r in changed if r["source_key"] in known)
    report.inserted += sum(1 for r in changed if r["source_key"] not in known)
    if not changed:
        return
    ids = await upsert_postings(
        session, [{k: v for k, v in r.items() if k != "_codes"} for r in changed]
    )
    await replace_posting_trades(session, {ids[r["source_key"]]: r["_codes"] for r in changed})


async def refresh_posting_trades(
    session_factory: async_sessionmaker[AsyncSession], *, batch: int = 1000
) -> int:
    """Recompute the trade codes of postings imported under another majors map."""
    majors, after, count = major_map(), 0, 0
    while True:
        async with session_factory.begin() as session:
            stale = await stale_postings(
                session, version=majors.version, after_id=after, limit=batch
            )
            if not stale:
                return count
            found = {pid: majors.requirement_codes(text)[0] for pid, text in stale}
            for pid, codes in found.items():
                await set_posting_trades(
                    session, posting_id=pid, trade_key=trade_key(codes), version=majors.version
                )
            await replace_posting_trades(session, found)
        after, count = stale[-1][0], count + len(stale)


# --- demo data ----------------------------------------------------------------------------


def _demo_rows(today: date) -> list[list[Any]]:
    """The sandbox's postings: what a graduate from 隆回 who wants 广东 might see."""
    later, gone = (today + timedelta(days=60)).isoformat(), (today - timedelta(days=3)).isoformat()
    return [
        [
            "DEMO-001",
            "鹏程汽车服务有限公司（演示）",
            "民企",
            "汽车维修技师",
            "全职",
            "深圳市宝安区",
            "汽车运用与维修;汽修",
            "中职及以上",
            5000,
            8000,
            5,
            later,
            "电话 0755-12345678 联系张经理",
            "包吃住",
        ],
        [
            "DEMO-002",
            "星城会计服务有限公司（演示）",
            "民企",
            "会计助理",
            "全职",
            "长沙",
            "会计事务;大数据与会计",
            "中职及以上",
            3500,
            4500,
            2,
            later,
            "简历发送至 hr@example.com",
            "",
        ],
        [
            "DEMO-003",
            "南城汽车维修中心（演示）",
            "民企",
            "汽车机修学徒",
            "全职",
            "东莞",
            "汽修",
            "不限",
            4000,
            6000,
            3,
            gone,
            "电话 0769-87654321",
            "已截止",
        ],
        [
            "DEMO-004",
            "某铁路局集团有限公司（演示）",
            "央企",
            "铁路线路工（就业见习）",
            "见习",
            "广州",
            "不限",
            "中职及以上",
            3000,
            3500,
            20,
            later,
            "在单位招聘网站报名",
            "见习期 6 个月，提供住宿",
        ],
        [
            "DEMO-005",
            "某供电公司邵阳分公司（演示）",
            "央企",
            "供电所运维实习生",
            "实习",
            "邵阳",
            "供用电技术;电工",
            "高职",
            2500,
            3000,
            10,
            later,
            "学校就业办统一报名",
            "",
        ],
        [
            "DEMO-006",
            "南粤电商产业园（演示）",
            "民企",
            "电商运营实习生",
            "实习",
            "广州",
            "电子商务;电商",
            "不限",
            2500,
            4000,
            8,
            later,
            "微信搜索“南粤电商园招聘”",
            "可提供宿舍",
        ],
        [
            "DEMO-007",
            "佛山精工机械有限公司（演示）",
            "民企",
            "数控车工",
            "全职",
            "佛山",
            "数控;机械类",
            "中职及以上",
            5500,
            7500,
            6,
            later,
            "电话 0757-11112222",
            "五险一金",
        ],
    ]


async def load_demo_postings(runtime: Runtime) -> ImportReport:
    """Import the demo postings through the same path an administrator's file takes; idempotent."""
    today = datetime.now(ZoneInfo(runtime.settings.timezone)).date()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-postings.csv"
        with table_writer(path, HEADER) as write:
            for row in _demo_rows(today):
                write(row)
        return await import_postings(runtime.session_factory, path, today=today, actor="demo")

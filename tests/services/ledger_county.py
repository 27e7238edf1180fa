"""A county with known numbers, for the ledger, figure and annual-report tests.

隆回 (湖南省邵阳市隆回县): a roster of 200 — 160 雨露计划 students (80 graduating 2025, 80 in
2026) and 40 新成长劳动力 (初中/高中 leavers of 2026) — imported through the real roster import;
120 sign-ups (g0…g117 matched to students 0…117, g118/g119 to new labourers 0/1 by ID number).
新化 (娄底) holds 5 more roster rows and one unmatched sign-up, outside a 隆回 scope.

Check-ins, 2026-01…2026-06 asked of all 120: g0–g11 never answer; g12–g23 answer 01–03;
g24–g119 answer all six. Every answer is 还在找工作 except the last one given:
  g12–g17 employed (03, income lt2k), g18–g23 further study (03);
  g24–g77 employed (06; income 3k-5k g24–43, 5k-8k g44–63, 2k-3k g64–77; stable g24–59),
  g78–g87 self-employed, g88–g107 seeking, g108–g115 lost job, g116–g119 further study.
2025: 2025-07 asked of g0–g79, all answer (g0–g39 employed, stable g0–g29 asked and yes;
g40–g79 seeking); 2025-12 asked of g0–g11 (no answer), g24–g79: g24–g63 employed (bands 2k-3k
g24–43, 5k-8k g44–53, gt8k g54–63; stable g24–53, not g54–63), g64–g79 seeking.
Cases: lost-job g108–g115 opened 2026-06-10 10:00 UTC, acknowledged after 2, 4, 6, 10, 30, 50,
70 hours and never; the first four resolved after 24, 48, 72, 96 hours. Asked-for-a-person
g12, g13 opened 2026-03-05 02:00 UTC: acknowledged after 1 and 100 hours, resolved after 10 and
120. Unsubscribed g0–g9, unreachable g10–g14. Notices: 12 to g88–g99 (10 sent in 2026-05, 2
still queued); interest from g88–g90 in 2026-05. g118 answered 入学季 2026 with considering
(the file said 愿意).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from yulu.services import places, roster
from yulu.services.context import Runtime
from yulu.services.demo import demo_id_number
from yulu.services.tabular import table_writer
from yulu.storage.campaigns import CampaignAnswer
from yulu.storage.ledger import LabourEntry
from yulu.storage.models import (
    Case,
    CaseReason,
    CaseStatus,
    CheckIn,
    EducationLevel,
    EmploymentStatus,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    RosterEntry,
)
from yulu.storage.postings import EmployerType, JobInterest, JobNotice, Posting, PostingKind

HEADER = ["姓名", "身份证号", "手机号", "学校", "专业", "学历层次", "毕业年份", "户籍地"]
HEADER += ["家庭类型", "易地搬迁", "入读意愿"]
NOW = datetime(2026, 12, 1, tzinfo=UTC)
E, SE, S, L, F = (
    EmploymentStatus.EMPLOYED,
    EmploymentStatus.SELF_EMPLOYED,
    EmploymentStatus.SEEKING,
    EmploymentStatus.LOST_JOB,
    EmploymentStatus.FURTHER_STUDY,
)


def student_row(i: int, *, county: str = "隆回") -> list[str]:
    return [
        f"学生{chr(0x4E00 + i)}",
        demo_id_number("20050101", i),
        f"138{i:08d}",
        "隆回职中",
        "汽车运用与维修",
        ("中职", "高职", "技工")[i % 3],
        "2025" if i < 80 else "2026",
        county,
        "脱贫家庭" if i % 2 == 0 else "监测对象",
        "是" if i % 4 == 0 else "否",
        "",
    ]


def labour_row(j: int) -> list[str]:
    return [
        f"新生{chr(0x4E00 + j)}",
        demo_id_number("20100101", j),
        f"139{j:08d}",
        "隆回二中",
        "",
        "初中" if j < 25 else "高中",
        "2026",
        "隆回",
        "脱贫家庭",
        "否",
        "愿意" if j < 10 else ("考虑中" if j < 20 else ""),
    ]


@dataclass
class County:
    graduate_ids: list[int]  # g0…g120 (g120: the unmatched sign-up in 新化)
    roster_path: Path


def final_status(i: int) -> tuple[EmploymentStatus, str | None, bool | None]:
    """The last answer of g i in 2026: status, income band, stable."""
    if 12 <= i <= 17:
        return E, "lt2k", None
    if 18 <= i <= 23:
        return F, None, None
    if i <= 77:
        band = "3k-5k" if i <= 43 else ("5k-8k" if i <= 63 else "2k-3k")
        return E, band, i <= 59
    if i <= 87:
        return SE, None, None
    if i <= 107:
        return S, None, None
    if i <= 115:
        return L, None, None
    return F, None, None


def _at(period: str) -> datetime:
    return datetime(int(period[:4]), int(period[5:]), 5, 2, tzinfo=UTC)


def _check_in(
    gid: int,
    period: str,
    status: EmploymentStatus | None,
    band: str | None = None,
    stable: bool | None = None,
) -> CheckIn:
    asked = _at(period)
    return CheckIn(
        graduate_id=gid,
        period=period,
        asked_at=asked,
        status=status,
        income_band=band,
        stable=stable,
        answered_at=asked + timedelta(hours=3) if status else None,
    )


def check_ins(ids: list[int]) -> list[CheckIn]:
    rows = []
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    for i in range(120):
        last = None if i < 12 else (3 if i < 24 else 6)
        for number, period in enumerate(months, start=1):
            if last is None or number > last:
                rows.append(_check_in(ids[i], period, None))
            elif number < last:
                rows.append(_check_in(ids[i], period, S))
            else:
                rows.append(_check_in(ids[i], period, *final_status(i)))
    for i in range(80):
        rows.append(
            _check_in(ids[i], "2025-07", E if i < 40 else S, None, True if i < 30 else None)
        )
    for i in list(range(12)) + list(range(24, 80)):
        if i < 12:
            rows.append(_check_in(ids[i], "2025-12", None))
        elif i < 64:
            band = "2k-3k" if i <= 43 else ("5k-8k" if i <= 53 else "gt8k")
            rows.append(_check_in(ids[i], "2025-12", E, band, i <= 53))
        else:
            rows.append(_check_in(ids[i], "2025-12", S))
    return rows


def cases(ids: list[int]) -> list[Case]:
    opened = datetime(2026, 6, 10, 10, tzinfo=UTC)
    acks = [2, 4, 6, 10, 30, 50, 70, None]
    resolves = [24, 48, 72, 96, None, None, None, None]
    rows = []
    for k, i in enumerate(range(108, 116)):
        rows.append(_case(ids[i], CaseReason.LOST_JOB, opened, acks[k], resolves[k]))
    asked = datetime(2026, 3, 5, 2, tzinfo=UTC)
    rows.append(_case(ids[12], CaseReason.ASKED_HUMAN, asked, 1, 10))
    rows.append(_case(ids[13], CaseReason.ASKED_HUMAN, asked, 100, 120))
    return rows


def _case(gid: int, reason: CaseReason, opened: datetime, ack: int | None, res: int | None) -> Case:
    status = CaseStatus.RESOLVED if res else (CaseStatus.ACKNOWLEDGED if ack else CaseStatus.OPEN)
    return Case(
        graduate_id=gid,
        reason=reason,
        status=status,
        opened_at=opened,
        acknowledged_at=opened + timedelta(hours=ack) if ack else None,
        resolved_at=opened + timedelta(hours=res) if res else None,
        outcome="employed" if res else None,
    )


async def build(runtime: Runtime, folder: Path) -> County:
    path = folder / "roster.csv"
    with table_writer(path, HEADER) as write:
        for i in range(160):
            write(student_row(i))
        for j in range(40):
            write(labour_row(j))
        for i in range(160, 165):
            write(student_row(i, county="新化"))
    report = await roster.import_roster(runtime.session_factory, runtime.cipher, path)
    assert report.errors == [] and report.inserted == 205 and report.new_labour == 40
    cipher = runtime.cipher
    async with runtime.session_factory.begin() as session:
        students = {r.id_number_hash: r for r in await session.scalars(select(RosterEntry))}
        labour = {r.id_number_hash: r for r in await session.scalars(select(LabourEntry))}
        xinhua = await places.region_for(session, places.county("新化"))
        graduates = []
        for i in range(121):
            if i < 118:
                number = demo_id_number("20050101", i)
                entry = students[cipher.lookup_hash(number)]
                region, roster_id = entry.hukou_region_id, entry.id
                year = entry.graduation_year
            elif i < 120:
                number = demo_id_number("20100101", i - 118)
                entry = labour[cipher.lookup_hash(number)]
                region, roster_id, year = entry.hukou_region_id, None, 2026
            else:
                number = demo_id_number("20060101", 1)
                region, roster_id, year = xinhua.id, None, 2026
            phone = f"137{i:08d}"
            graduates.append(
                Graduate(
                    telegram_user_id=5000 + i,
                    chat_id=5000 + i,
                    name=f"学生{chr(0x4E00 + i)}",
                    phone_enc=cipher.encrypt(phone),
                    phone_hash=cipher.lookup_hash(phone),
                    phone_tail=phone[-4:],
                    id_number_enc=cipher.encrypt(number),
                    id_number_hash=cipher.lookup_hash(number),
                    school="隆回职中",
                    major="汽车运用与维修",
                    education_level=EducationLevel.SECONDARY,
                    graduation_year=year,
                    hukou_region_id=region,
                    status=final_status(i)[0] if 12 <= i < 120 else S,
                    verified=roster_id is not None,
                    roster_entry_id=roster_id,
                    consent_version="test",
                    consent_at=NOW,
                    unsubscribed_at=NOW if i < 10 else None,
                    unreachable_at=NOW if 10 <= i < 15 else None,
                )
            )
        session.add_all(graduates)
        await session.flush()
        ids = [g.id for g in graduates]
        session.add_all(check_ins(ids) + cases(ids))
        await _jobs(session, ids)
        session.add(
            CampaignAnswer(
                campaign="enrollment",
                edition=2026,
                graduate_id=ids[118],
                value="considering",
                via="button",
                answered_at=datetime(2026, 7, 1, tzinfo=UTC),
            )
        )
    return County(ids, path)


async def _jobs(session, ids: list[int]) -> None:
    posting = Posting(
        source_key="p1",
        employer="国网湖南",
        employer_type=EmployerType.CENTRAL_SOE,
        title="电工",
        kind=PostingKind.FULL_TIME,
        place="长沙",
        majors="不限",
        trade_key="any",
        map_version="t",
        apply_how="电话",
        fingerprint="f",
    )
    session.add(posting)
    await session.flush()
    sent_at = datetime(2026, 5, 6, 2, tzinfo=UTC)
    for k, i in enumerate(range(88, 100)):
        key = f"notice:{posting.id}:{ids[i]}"
        session.add(
            JobNotice(
                graduate_id=ids[i],
                posting_id=posting.id,
                week="2026-W19",
                score=1,
                outbox_key=key,
                created_at=sent_at,
            )
        )
        session.add(
            OutboxMessage(
                idempotency_key=key,
                kind="notice",
                chat_id=5000 + i,
                graduate_id=ids[i],
                text="notice",
                status=OutboxStatus.SENT if k < 10 else OutboxStatus.PENDING,
                sent_at=sent_at if k < 10 else None,
            )
        )
    for i in range(88, 91):
        session.add(
            JobInterest(
                graduate_id=ids[i], posting_id=posting.id, created_at=sent_at + timedelta(days=1)
            )
        )

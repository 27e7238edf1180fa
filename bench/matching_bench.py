"""Matching benchmark (issue 6): N graduates against M postings, streamed in batches.

Usage: python bench/matching_bench.py [--backend sqlite|postgres|both] [--graduates 100000]
                                      [--postings 10000] [--batch 5000]

Per backend, on a fresh migrated database: bulk-insert N graduates (30 home counties in six
provinces; wanted places anywhere / a province / a city / a county; majors in everyday words,
some unrecognisable; statuses seeking, lost job, employed, studying; a few unsubscribed), import
M postings through `import_postings` from a CSV (cities and districts weighted towards where
jobs are; 1-3 majors or classes, or 不限; four kinds; a tenth already past the deadline), then
time services.matching.run_matching three times: a dry run, the real run (the timed figure:
trade codes derived for every graduate, every batch matched in SQL and its notices and outbox
rows written), and a second real run in the same week (must add 0). The enqueue part on its
own (issue 12): the run's notices are copied aside and removed, a dry run renders the same
batches again, and they are written batch after batch the way a run writes them (job_notice and
outbox rows, one bulk statement each, one transaction per batch; in a run each write overlaps
the next batch's matching, here nothing overlaps), then written again (every row already there);
the floor, on the same database after removing them once more: the same rows by two raw
`INSERT … SELECT` statements from the copy, then those again (every row a conflict). A run
itself never repeats a write: a pair already noticed is left out by the matching query's
anti-join, so a second run renders and writes nothing. Memory: the process's RSS
before each phase and its high-water mark during it (VmHWM, reset first); the difference is what
the run itself holds, which batches keep flat whatever N (compare --graduates 20000). Figures
only: nothing asserts.
PostgreSQL: a fresh database (tests/dbutil.py) on YULU_BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tests"))

import dbutil
from sqlalchemy import bindparam, delete, func, insert, select, text

from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.services import matching, places
from yulu.services.context import open_runtime
from yulu.services.majors import major_map
from yulu.services.matching import run_matching
from yulu.services.postings import HEADER, import_postings
from yulu.storage.models import EducationLevel, EmploymentStatus, Graduate, OutboxMessage
from yulu.storage.postings import JobNotice

PG_URL = os.environ.get("YULU_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789"
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # a Monday morning in Shanghai
INSERT_BATCH = 5000
HOME_COUNTIES = [
    "隆回",
    "邵阳县",
    "新化",
    "桑植",
    "安化",
    "平江",
    "凤凰",
    "花垣",
    "保靖",
    "古丈",
    "融水",
    "三江",
    "都安",
    "大化",
    "隆林",
    "威宁",
    "赫章",
    "纳雍",
    "从江",
    "榕江",
    "镇雄",
    "彝良",
    "会泽",
    "宣威",
    "昭觉",
    "布拖",
    "美姑",
    "金阳",
    "岚皋",
    "镇坪",
]
WANTED = {  # where graduates want to work: province, city or county names
    "province": ["广东", "浙江", "江苏", "湖南", "福建", "广西", "贵州", "云南", "四川", "上海"],
    "city": [
        "深圳",
        "广州",
        "东莞",
        "佛山",
        "杭州",
        "宁波",
        "苏州",
        "长沙",
        "厦门",
        "贵阳",
        "昆明",
        "成都",
        "邵阳",
        "南宁",
    ],
    "county": ["深圳市宝安区", "东莞市", "长沙县", "广州市番禺区", "苏州市昆山市", "宁波市慈溪市"],
}
JOB_PLACES = {  # where postings are: weights towards the coast and the provincial capitals
    "深圳市宝安区": 8,
    "深圳市龙岗区": 6,
    "深圳": 6,
    "广州市番禺区": 5,
    "广州": 6,
    "东莞": 8,
    "佛山": 6,
    "中山": 3,
    "惠州": 3,
    "杭州": 5,
    "宁波市慈溪市": 3,
    "宁波": 3,
    "温州": 2,
    "苏州市昆山市": 4,
    "苏州": 5,
    "无锡": 3,
    "南京": 3,
    "上海": 5,
    "厦门": 3,
    "泉州": 3,
    "福州": 2,
    "长沙": 5,
    "长沙县": 2,
    "邵阳": 2,
    "株洲": 2,
    "南宁": 2,
    "柳州": 2,
    "贵阳": 2,
    "昆明": 2,
    "成都": 4,
    "重庆": 3,
    "武汉": 3,
    "全国": 2,
}
KINDS = {"全职": 70, "实习": 15, "见习": 10, "定向班": 5}
STATUSES = {
    EmploymentStatus.SEEKING: 50,
    EmploymentStatus.LOST_JOB: 10,
    EmploymentStatus.EMPLOYED: 30,
    EmploymentStatus.FURTHER_STUDY: 5,
    EmploymentStatus.UNKNOWN: 5,
}
EMPLOYERS = [
    "精工机械",
    "鹏程汽修",
    "南粤电商",
    "星城会计",
    "康宁护理院",
    "宏达电子",
    "顺捷物流",
    "金辉建设",
    "美家装饰",
    "天天餐饮",
    "阳光幼儿园",
    "智联信息",
    "某铁路局",
    "某供电公司",
]


def _weighted(rng: random.Random, table: dict) -> object:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


# A new migrated database per run (tests/dbutil.py), PostgreSQL on YULU_BENCH_PG_URL.
fresh_database = partial(dbutil.fresh_database, server=PG_URL)


# --- data ---------------------------------------------------------------------------------


def _major_words(rng: random.Random) -> list[str]:
    """What graduates type as their major: catalogue names and everyday words, as indexed."""
    words = major_map().names()
    return rng.sample(words, min(300, len(words)))


async def insert_graduates(runtime, count: int, seed: int = 6) -> None:
    """N graduates by bulk Core INSERT (phones are one shared dummy value: not under test)."""
    rng = random.Random(seed)
    async with runtime.session_factory.begin() as session:
        homes = [
            (await places.region_for(session, places.county(name))).id for name in HOME_COUNTIES
        ]
        wanted = {
            level: [(await places.region_for(session, places.any_level(n))).id for n in names]
            for level, names in WANTED.items()
        }
    majors = _major_words(rng) + ["电焊和钣金都学过", "火星殖民工程", "其他"]
    phone_enc, now = runtime.cipher.encrypt("13800000000"), datetime.now(UTC)
    for start in range(0, count, INSERT_BATCH):
        batch = []
        for n in range(start, min(start + INSERT_BATCH, count)):
            level = rng.choices(["anywhere", "province", "city", "county"], [30, 40, 20, 10])[0]
            batch.append(
                {
                    "telegram_user_id": 20_000_000 + n,
                    "chat_id": 20_000_000 + n,
                    "name": "测试",
                    "phone_enc": phone_enc,
                    "phone_hash": f"bench{n}",
                    "phone_tail": "0000",
                    "school": "某职业学校",
                    "major": rng.choice(majors)[:40],
                    "education_level": rng.choice(list(EducationLevel)),
                    "graduation_year": rng.choice((2023, 2024, 2025, 2026, 2026, 2027)),
                    "hukou_region_id": rng.choice(homes),
                    "desired_region_id": None if level == "anywhere" else rng.choice(wanted[level]),
                    "status": _weighted(rng, STATUSES),
                    "verified": True,
                    "consent_version": "2026-11",
                    "consent_at": now,
                    "unsubscribed_at": now if rng.random() < 0.02 else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        async with runtime.session_factory.begin() as session:
            await session.execute(insert(Graduate), batch)


def write_postings(path: Path, count: int, seed: int = 7) -> None:
    """A posting list as a county would send it, one row per posting."""
    rng = random.Random(seed)
    today = NOW.date()
    majors = major_map()
    names = majors.names()
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(count):
            wanted = (
                "不限" if rng.random() < 0.15 else ";".join(rng.sample(names, rng.randint(1, 3)))
            )
            low = rng.randrange(2500, 7000, 100)
            deadline = today + timedelta(
                days=rng.randint(-20, 90) if rng.random() < 0.1 else rng.randint(1, 90)
            )
            writer.writerow(
                [
                    f"B{n:06d}",
                    f"{rng.choice(EMPLOYERS)}{n % 500}号",
                    rng.choice(["民企", "国企", "央企"]),
                    f"岗位{n}",
                    _weighted(rng, KINDS),
                    _weighted(rng, JOB_PLACES),
                    wanted,
                    rng.choice(["不限", "中职及以上", "高职", "技工"]),
                    low,
                    low + rng.randrange(0, 3000, 100),
                    rng.randint(1, 30),
                    deadline.isoformat(),
                    "电话 0755-12345678",
                    "",
                ]
            )


# --- the floor: the same notice rows by raw INSERT … SELECT -----------------------------------

HOLD = [
    "CREATE TABLE hold_notice AS SELECT graduate_id, posting_id, week, score, outbox_key, "
    "created_at FROM job_notice",
    "CREATE TABLE hold_outbox AS SELECT idempotency_key, kind, chat_id, graduate_id, text, "
    "buttons FROM outbox_message WHERE kind = 'job_notice'",
]
RAW_NOTICES = """
INSERT INTO job_notice (graduate_id, posting_id, week, score, outbox_key, created_at)
SELECT graduate_id, posting_id, week, score, outbox_key, created_at FROM hold_notice
WHERE true  -- SQLite: without a WHERE, ON CONFLICT would parse as a join constraint
ON CONFLICT (graduate_id, posting_id) DO NOTHING
"""
RAW_OUTBOX = """
INSERT INTO outbox_message (idempotency_key, kind, chat_id, graduate_id, text, buttons,
                            status, attempts, not_before, created_at)
SELECT idempotency_key, kind, chat_id, graduate_id, text, buttons,
       'pending', 0, :now, :now
FROM hold_outbox
WHERE true
ON CONFLICT (idempotency_key) DO NOTHING
"""


async def _clear_notices(runtime) -> None:
    """Remove every notice and notice message (PostgreSQL: vacuumed, so no dead rows remain)."""
    async with runtime.session_factory.begin() as session:
        await session.execute(delete(JobNotice))
        await session.execute(delete(OutboxMessage).where(OutboxMessage.kind == "job_notice"))
    if runtime.engine.dialect.name == "postgresql":
        async with runtime.engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE job_notice, outbox_message"))


async def hold_notices(runtime) -> None:
    """Copy the run's notices and notice messages aside, then remove them (not timed)."""
    async with runtime.session_factory.begin() as session:
        for statement in HOLD:
            await session.execute(text(statement))
    await _clear_notices(runtime)


async def replay_writes(runtime, t, settings) -> list[tuple[int, float]]:
    """The enqueue part alone: a dry run's rendered batches written as a run writes them,
    twice; (rows added, seconds) per pass."""
    captured = []
    render = matching._NoticeWriter.render

    async def capturing(self, session, picks, people):
        decided = await render(self, session, picks, people)
        captured.append((self, decided))
        return decided

    matching._NoticeWriter.render = capturing
    try:
        await run_matching(runtime.session_factory, t, settings=settings, dry_run=True, now=NOW)
    finally:
        matching._NoticeWriter.render = render
    passes = []
    for _ in range(2):
        before, started = sum(w.report.notices for w, _ in captured[:1]), time.perf_counter()
        for writer, decided in captured:
            await writer.save(runtime.session_factory, decided)
        added = sum(w.report.notices for w, _ in captured[:1]) - before
        passes.append((2 * added, time.perf_counter() - started))
    await _clear_notices(runtime)
    return passes


async def raw_notices(runtime) -> tuple[int, float]:
    """The floor: the same notice and outbox rows by two raw INSERT … SELECT; rows, seconds."""
    when = OutboxMessage.__table__.c.created_at.type
    outbox = text(RAW_OUTBOX).bindparams(bindparam("now", type_=when))
    started = time.perf_counter()
    async with runtime.session_factory.begin() as session:
        notices = (await session.execute(text(RAW_NOTICES))).rowcount
        messages = (await session.execute(outbox, {"now": datetime.now(UTC)})).rowcount
    return notices + messages, time.perf_counter() - started


# --- the benchmark ------------------------------------------------------------------------


async def _timed(run):
    _reset_peak_rss()
    before, started = _vm_rss_mb(), time.perf_counter()
    report = await run()
    return report, time.perf_counter() - started, before, _vm_hwm_mb()


async def bench_backend(url: str, graduates: int, postings: int, batch: int, folder: Path) -> dict:
    settings = Settings(
        database_url=url, secret_key=SECRET, matching={"weekly_cap": 3, "batch_size": batch}
    )
    t = get_translator()
    figures: dict = {}
    async with open_runtime(settings) as runtime:
        started = time.perf_counter()
        await insert_graduates(runtime, graduates)
        figures["insert_graduates_s"] = time.perf_counter() - started
        path = folder / "postings.csv"
        write_postings(path, postings)
        started = time.perf_counter()
        imported = await import_postings(runtime.session_factory, path, today=NOW.date())
        figures["import_postings_s"] = time.perf_counter() - started
        figures["import"] = (imported.inserted, len(imported.errors), len(imported.warnings))
        print(
            f"    data: {graduates} graduates in {figures['insert_graduates_s']:.1f}s; "
            f"{imported.inserted} postings imported in {figures['import_postings_s']:.1f}s "
            f"({len(imported.errors)} bad rows)",
            flush=True,
        )

        def run(dry: bool):
            return lambda: run_matching(
                runtime.session_factory, t, settings=settings, dry_run=dry, now=NOW, samples=1
            )

        for phase, dry in (("dry_run", True), ("real_run", False), ("second_run", False)):
            report, seconds, before, rss = await _timed(run(dry))
            figures[phase] = {
                "seconds": seconds,
                "peak_rss_mb": rss,
                "rss_before_mb": before,
                "notices": report.notices,
                "graduates": report.graduates,
                "trades_refreshed": report.trades_refreshed,
                "write_seconds": report.write_seconds,
            }
            print(
                f"    {phase:<10} {seconds:7.1f}s  notices {report.notices:>7}  eligible graduates "
                f"{report.graduates:>7}  trade codes derived {report.trades_refreshed:>7}  "
                f"writing {report.write_seconds:5.2f}s  "
                f"RSS {before:4.0f} MB before, peak {rss:4.0f} MB",
                flush=True,
            )
        async with runtime.session_factory() as session:
            figures["notice_rows"] = await session.scalar(select(func.count(JobNotice.id)))
        await hold_notices(runtime)
        for phase, (rows, seconds) in zip(
            ("enqueue", "enqueue_repeat"), await replay_writes(runtime, t, settings), strict=True
        ):
            figures[phase] = {"seconds": seconds, "rows": rows}
            print(f"    {phase:<10} {seconds:7.2f}s  rows added {rows:>7}", flush=True)
        for phase in ("raw", "raw_repeat"):
            rows, seconds = await raw_notices(runtime)
            figures[phase] = {"seconds": seconds, "rows": rows}
            print(f"    {phase:<10} {seconds:7.2f}s  rows added {rows:>7}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--graduates", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    print(f"matching {args.graduates} graduates × {args.postings} postings, batch {args.batch}")
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            print(f"== {backend}", flush=True)
            with fresh_database(backend, Path(folder)) as url:
                figures = asyncio.run(
                    bench_backend(url, args.graduates, args.postings, args.batch, Path(folder))
                )
            real, second = figures["real_run"], figures["second_run"]
            raw, repeat = figures["raw"], figures["raw_repeat"]
            growth = real["peak_rss_mb"] - real["rss_before_mb"]
            print(
                f"   → {backend}: matching run {real['seconds']:.1f}s for {args.graduates} × "
                f"{args.postings} ({real['notices']} notices), memory +{growth:.0f} MB over the "
                f"run; second run {second['seconds']:.1f}s, {second['notices']} new",
                flush=True,
            )
            enqueue, again = figures["enqueue"], figures["enqueue_repeat"]
            same = raw["rows"] == enqueue["rows"] == 2 * real["notices"] and repeat["rows"] == 0
            print(
                f"   → {backend}: enqueue part {enqueue['seconds']:.2f}s / raw INSERT … SELECT "
                f"{raw['seconds']:.2f}s = {enqueue['seconds'] / raw['seconds']:.2f}; written "
                f"again {again['seconds']:.2f}s / raw repeat {repeat['seconds']:.2f}s = "
                f"{again['seconds'] / repeat['seconds']:.2f}; a second run writes nothing and "
                f"takes {second['seconds']:.2f}s in all = "
                f"{second['seconds'] / repeat['seconds']:.1f} raw repeats"
                + ("" if same else "  FAIL: the rows written differ from the run's notices"),
                flush=True,
            )


if __name__ == "__main__":
    main()

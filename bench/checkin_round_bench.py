"""Check-in round benchmark (issues 4, 12): enqueue a monthly round for N graduates.

Usage: python bench/checkin_round_bench.py [--backend sqlite|postgres|both] [--rows 100000]

Per backend, on a fresh migrated database: bulk-insert N graduates over a few counties (a small
share unsubscribed, unreachable or paused, so the audience is known exactly), then time
services.checkin.run_round for one period: a --dry-run count, the real round, and a second run
(must add 0). Side by side on the same database, the floor: one raw `INSERT … SELECT` of the
same outbox rows (same text, same unique idempotency key scheme, under a `raw:` prefix), then
that statement again (every row a conflict); the table prints round / raw and repeat / raw
repeat. The real round's peak memory is measured twice: RSS (VmHWM, reset before the
phase) on the timed run, and tracemalloc on a separate run for the next period (tracemalloc slows
Python down, so it is kept out of the timed run). Figures only: nothing asserts on time.
PostgreSQL: a fresh database (tests/dbutil.py) on YULU_BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tests"))

import dbutil
from sqlalchemy import JSON, bindparam, func, insert, select, text

from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.services import cadres, places
from yulu.services.checkin import round_message, run_round
from yulu.services.context import open_runtime
from yulu.storage.models import (
    CheckIn,
    EducationLevel,
    EmploymentStatus,
    Graduate,
    OutboxMessage,
)

PG_URL = os.environ.get("YULU_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789"
PERIOD, TRACED_PERIOD = "2026-11", "2026-12"
COUNTIES = {"隆回": 0.4, "邵阳县": 0.2, "新化": 0.25, "桑植": 0.15}
INSERT_BATCH = 5000
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭"
GIVEN = "小红明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英建国志文斌婷宇浩然子涵欣怡"
SCHOOLS = [
    "隆回县职业中专学校",
    "邵阳职业技术学院",
    "湖南工业职业技术学院",
    "新化县职业中专学校",
    "张家界航空工业职业技术学院",
]
MAJORS = ["汽车运用与维修", "电子商务", "护理", "数控技术应用", "学前教育", "计算机应用"]


# --- memory -------------------------------------------------------------------------------


def _reset_peak_rss() -> None:
    """Reset this process's VmHWM (Linux: write 5 to clear_refs) so a phase gets its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- databases ----------------------------------------------------------------------------


# A new migrated database per run (tests/dbutil.py), PostgreSQL on YULU_BENCH_PG_URL.
fresh_database = partial(dbutil.fresh_database, server=PG_URL)


# --- data ---------------------------------------------------------------------------------


async def insert_graduates(runtime, rows: int, seed: int = 11) -> tuple[int, Counter[str]]:
    """N graduates by bulk Core INSERT; returns the expected audience and its per-county split."""
    rng = random.Random(seed)
    cipher = runtime.cipher
    async with runtime.session_factory.begin() as session:
        cadre = await cadres.add_cadre(
            session,
            runtime.cipher,
            name="王书记",
            phone="13900000001",
            region="隆回",
            actor="bench",
        )
        regions = {name: await places.region_for(session, places.county(name)) for name in COUNTIES}
        cadre_id = cadre.id
    names, weights = list(regions), list(COUNTIES.values())
    now = datetime.now(UTC)
    audience, per_county = 0, Counter()
    phones = rng.sample(range(10**9), rows)
    for start in range(0, rows, INSERT_BATCH):
        batch = []
        for n in range(start, min(start + INSERT_BATCH, rows)):
            phone = f"1{rng.choice('3456789')}{phones[n]:09d}"
            region = regions[rng.choices(names, weights)[0]]
            roll = rng.random()  # 2% unsubscribed, 1% unreachable, 1% paused, 1% paused (ended)
            inactive = roll < 0.04
            paused = "2027-06" if 0.03 <= roll < 0.04 else ("2026-06" if roll >= 0.99 else None)
            batch.append(
                {
                    "telegram_user_id": 10_000_000 + n,
                    "chat_id": 10_000_000 + n,
                    "name": rng.choice(SURNAMES)
                    + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                    "phone_enc": cipher.encrypt(phone),
                    "phone_hash": cipher.lookup_hash(phone),
                    "phone_tail": phone[-4:],
                    "school": rng.choice(SCHOOLS),
                    "major": rng.choice(MAJORS),
                    "education_level": rng.choice(list(EducationLevel)),
                    "graduation_year": rng.choice((2024, 2025, 2026)),
                    "hukou_region_id": region.id,
                    "cadre_id": cadre_id if rng.random() < 0.7 else None,
                    "status": rng.choice((EmploymentStatus.SEEKING, EmploymentStatus.EMPLOYED)),
                    "verified": True,
                    "consent_version": "2026-11",
                    "consent_at": now,
                    "unsubscribed_at": now if roll < 0.02 else None,
                    "unreachable_at": now if 0.02 <= roll < 0.03 else None,
                    "paused_until": paused,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if not inactive:
                audience += 1
                per_county[region.full_name] += 1
        async with runtime.session_factory.begin() as session:
            await session.execute(insert(Graduate), batch)
    return audience, per_county


async def _count(runtime, model, period: str) -> int:
    column = CheckIn.period if model is CheckIn else OutboxMessage.idempotency_key
    condition = column == period if model is CheckIn else column.startswith(f"checkin:{period}:")
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model).where(condition))


RAW_ROUND = """
INSERT INTO outbox_message (idempotency_key, kind, chat_id, graduate_id, text, buttons,
                            status, attempts, not_before, created_at)
SELECT 'raw:' || :period || ':' || CAST(g.id AS VARCHAR(20)), 'checkin', g.chat_id, g.id,
       :before || g.name || :after, :buttons, 'pending', 0, :now, :now
FROM graduate g
WHERE g.chat_id IS NOT NULL AND g.unsubscribed_at IS NULL AND g.unreachable_at IS NULL
  AND (g.paused_until IS NULL OR g.paused_until < :period)
ON CONFLICT (idempotency_key) DO NOTHING
"""


async def raw_round(runtime, t, period: str) -> int:
    """The floor: the same outbox rows in one hand-written INSERT … SELECT; rows added."""
    message = round_message(t, period)
    before, after = message.text_parts  # the template names the graduate once
    when = OutboxMessage.__table__.c.created_at.type
    statement = text(RAW_ROUND).bindparams(
        bindparam("buttons", type_=JSON), bindparam("now", type_=when)
    )
    values = {
        "period": period,
        "before": before,
        "after": after,
        "buttons": message.buttons,
        "now": datetime.now(UTC),
    }
    async with runtime.session_factory.begin() as session:
        return (await session.execute(statement, values)).rowcount


# --- the benchmark ------------------------------------------------------------------------


async def _timed(coro_factory, *, traced: bool = False):
    _reset_peak_rss()
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    report = await coro_factory()
    seconds = time.perf_counter() - started
    traced_peak = float("nan")
    if traced:
        traced_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return report, seconds, _vm_hwm_mb(), traced_peak


async def bench_backend(
    url: str, rows: int, *, analyze: bool, traced: bool, dry_only: bool = False
) -> list[dict]:
    settings = Settings(database_url=url, secret_key=SECRET)
    t = get_translator()
    out = []
    async with open_runtime(settings) as runtime:
        started = time.perf_counter()
        audience, per_county = await insert_graduates(runtime, rows)
        print(
            f"    inserted {rows} graduates in {time.perf_counter() - started:.1f}s "
            f"(audience {audience})",
            flush=True,
        )
        if analyze and runtime.engine.dialect.name == "postgresql":
            # A bulk load leaves the planner without statistics (and autovacuum may be off, as
            # on the CI server): the round's keyset query then seq-scans and sorts per batch.
            async with runtime.engine.connect() as connection:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
            print("    ANALYZE done (pass --no-analyze to measure without statistics)", flush=True)

        def round_for(period: str, dry: bool = False):
            return lambda: run_round(runtime.session_factory, t, period=period, dry_run=dry)

        for phase in ("raw INSERT…SELECT", "raw repeat"):
            started = time.perf_counter()
            added = await raw_round(runtime, t, PERIOD)
            seconds = time.perf_counter() - started
            expected = audience if phase == "raw INSERT…SELECT" else 0
            out.append(
                {
                    "phase": phase,
                    "graduates": rows,
                    "audience": audience,
                    "enqueued": added,
                    "seconds": seconds,
                    "rss": float("nan"),
                    "traced": float("nan"),
                    "checks": {"rows added": added == expected},
                }
            )
            print(f"    {phase:18} added {added:7} {seconds:8.2f}s", flush=True)

        phases = [
            ("dry-run", PERIOD, True, False),
            ("round", PERIOD, False, False),
            ("second run", PERIOD, False, False),
            ("round, traced", TRACED_PERIOD, False, True),
        ]
        if dry_only:
            phases = phases[:1]
        elif not traced:
            phases = phases[:-1]
        for phase, period, dry, trace in phases:
            report, seconds, rss, traced_peak = await _timed(round_for(period, dry), traced=trace)
            left = phase != "second run"  # a repeat finds nobody left to ask
            checks = {
                "audience": report.audience == (audience if left else 0),
                "per county": report.per_county == (per_county if left else Counter()),
            }
            if phase in ("round", "round, traced"):
                checks["enqueued == audience"] = report.enqueued == audience
                checks["check_in rows"] = await _count(runtime, CheckIn, period) == audience
                checks["outbox rows"] = await _count(runtime, OutboxMessage, period) == audience
            elif phase == "second run":
                checks["adds 0"] = report.enqueued == 0
                checks["outbox rows unchanged"] = (
                    await _count(runtime, OutboxMessage, period) == audience
                )
            else:
                checks["dry run adds nothing"] = (
                    report.enqueued == 0 and await _count(runtime, OutboxMessage, period) == 0
                )
            out.append(
                {
                    "phase": phase,
                    "graduates": rows,
                    "audience": report.audience,
                    "enqueued": report.enqueued,
                    "seconds": seconds,
                    "rss": rss,
                    "traced": traced_peak,
                    "checks": checks,
                }
            )
            r = out[-1]
            print(
                f"    {phase:14} audience {r['audience']:7} enqueued {r['enqueued']:7} "
                f"{seconds:8.2f}s {r['audience'] / seconds:8.0f} rows/s  peak RSS {rss:7.1f} MB"
                + (f"  tracemalloc peak {traced_peak:6.1f} MB" if trace else "")
                + (
                    "  ok"
                    if all(checks.values())
                    else "  FAIL " + ", ".join(k for k, v in checks.items() if not v)
                ),
                flush=True,
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--dry-run", action="store_true", help="only the dry-run timing (no messages enqueued)"
    )
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="PostgreSQL: skip ANALYZE after the bulk insert",
    )
    parser.add_argument(
        "--skip-traced", action="store_true", help="skip the (slow) tracemalloc run"
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(
        f"python {sys.version.split()[0]}; {args.rows} graduates over {', '.join(COUNTIES)}; "
        f"peak RSS = VmHWM reset before each phase; tracemalloc on its own run ({TRACED_PERIOD})"
    )
    table, failed = [], False
    with tempfile.TemporaryDirectory(prefix="yulu-checkin-bench-") as tmp:
        for backend in backends:
            print(f"  {backend}:", flush=True)
            with fresh_database(backend, Path(tmp)) as url:
                results = asyncio.run(
                    bench_backend(
                        url,
                        args.rows,
                        analyze=args.analyze,
                        traced=not args.skip_traced,
                        dry_only=args.dry_run,
                    )
                )
            for r in results:
                ok = all(r["checks"].values())
                failed |= not ok
                table.append(
                    (
                        backend,
                        r["phase"],
                        r["graduates"],
                        r["audience"],
                        r["enqueued"],
                        r["seconds"],
                        r["audience"] / r["seconds"],
                        r["rss"],
                        r["traced"],
                        "ok" if ok else "FAIL",
                    )
                )
    print()
    print(
        "| backend | phase | graduates | audience | enqueued | seconds | rows/s | peak RSS MB "
        "| tracemalloc peak MB | checks |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in table:
        print(
            "| {} | {} | {} | {} | {} | {:.2f} | {:.0f} | {:.1f} | {:.1f} | {} |".format(
                *row
            ).replace("| nan |", "| – |")
        )
    print(f"process ru_maxrss: {_ru_maxrss_mb():.1f} MB")
    seconds = {(r[0], r[1]): r[5] for r in table}
    for backend in backends:
        if (backend, "round") not in seconds or (backend, "raw INSERT…SELECT") not in seconds:
            continue
        ratio = seconds[backend, "round"] / seconds[backend, "raw INSERT…SELECT"]
        repeat = seconds[backend, "second run"] / seconds[backend, "raw repeat"]
        print(
            f"{backend}: round / raw INSERT…SELECT = {ratio:.2f}; repeat / raw repeat = {repeat:.2f}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

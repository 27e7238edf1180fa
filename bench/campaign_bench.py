"""Campaign benchmark (issue 12): enqueue the 毕业季 campaign for N graduates.

Usage: python bench/campaign_bench.py [--backend sqlite|postgres|both] [--graduates 100000]

Per backend, on a fresh migrated database: bulk-insert N graduates over a few counties (about
60% of this year's class, the built-in 毕业季 audience; a small share unsubscribed, blocked,
without Telegram or paused, so the audience and who is reachable are known exactly), then, side
by side on the same database: the floor, one hand-written `INSERT … SELECT` of the same outbox
rows (same text, same buttons, the same kind of unique key under a `raw:` prefix), and that
statement again (every row a conflict); then services.campaigns.run_campaign: a dry run, the real
run and a second run (must add 0). The table prints run / raw and repeat / raw repeat. Checks:
the per-county figures, what each run added, and a sample of the enqueued texts against what
Python renders for the same graduate. Figures only: nothing asserts on time.
PostgreSQL: a fresh database (tests/dbutil.py) on YULU_BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from checkin_round_bench import (  # the same data vocabulary and fresh databases
    COUNTIES,
    GIVEN,
    INSERT_BATCH,
    MAJORS,
    SCHOOLS,
    SECRET,
    SURNAMES,
    _reset_peak_rss,
    _vm_hwm_mb,
    fresh_database,
)
from sqlalchemy import JSON, bindparam, func, insert, select, text

from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.services import places
from yulu.services.campaigns import campaign_message, message_text, run_campaign
from yulu.services.context import open_runtime
from yulu.storage.models import EducationLevel, EmploymentStatus, Graduate, OutboxMessage

NAME = "graduation"
TODAY = date(2026, 6, 16)  # a Tuesday in the 毕业季 window, not a holiday
EDITION = 2026
SAMPLE_TEXTS = 200


async def insert_graduates(runtime, count: int, seed: int = 12) -> dict:
    """N graduates by bulk Core INSERT; returns the expected audience, per county, by reach."""
    rng = random.Random(seed)
    cipher = runtime.cipher
    async with runtime.session_factory.begin() as session:
        regions = {name: await places.region_for(session, places.county(name)) for name in COUNTIES}
    names, weights = list(regions), list(COUNTIES.values())
    now = datetime.now(UTC)
    reachable, unreachable = Counter(), Counter()
    phones = rng.sample(range(10**9), count)
    for start in range(0, count, INSERT_BATCH):
        batch = []
        for n in range(start, min(start + INSERT_BATCH, count)):
            phone = f"1{rng.choice('3456789')}{phones[n]:09d}"
            region = regions[rng.choices(names, weights)[0]]
            year = rng.choices((EDITION, EDITION - 1, EDITION - 2), (60, 25, 15))[0]
            roll = rng.random()  # 2% unsubscribed, 1% blocked, 1% no Telegram, 1% paused
            batch.append(
                {
                    "telegram_user_id": 10_000_000 + n,
                    "chat_id": None if 0.03 <= roll < 0.04 else 10_000_000 + n,
                    "name": rng.choice(SURNAMES)
                    + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                    "phone_enc": cipher.encrypt(phone),
                    "phone_hash": cipher.lookup_hash(phone),
                    "phone_tail": phone[-4:],
                    "school": rng.choice(SCHOOLS),
                    "major": rng.choice(MAJORS),
                    "education_level": rng.choice(list(EducationLevel)),
                    "graduation_year": year,
                    "hukou_region_id": region.id,
                    "status": rng.choice((EmploymentStatus.SEEKING, EmploymentStatus.EMPLOYED)),
                    "verified": True,
                    "consent_version": "2026-11",
                    "consent_at": now,
                    "unsubscribed_at": now if roll < 0.02 else None,
                    "unreachable_at": now if 0.02 <= roll < 0.03 else None,
                    "paused_until": "2027-06" if 0.04 <= roll < 0.05 else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if year == EDITION:
                (reachable if roll >= 0.04 else unreachable)[region.full_name] += 1
        async with runtime.session_factory.begin() as session:
            await session.execute(insert(Graduate), batch)
    return {"reachable": reachable, "unreachable": unreachable}


RAW = """
INSERT INTO outbox_message (idempotency_key, kind, chat_id, graduate_id, text, buttons,
                            status, attempts, not_before, created_at)
SELECT 'raw:' || CAST(g.id AS VARCHAR(20)), 'campaign', g.chat_id, g.id, {text}, :buttons,
       'pending', 0, :now, :now
FROM graduate g
WHERE g.graduation_year = :year
  AND g.chat_id IS NOT NULL AND g.unsubscribed_at IS NULL AND g.unreachable_at IS NULL
ON CONFLICT (idempotency_key) DO NOTHING
"""


async def raw_insert(runtime, t, campaign) -> int:
    """The floor: the same outbox rows in one hand-written INSERT … SELECT; rows added."""
    message = campaign_message(t, campaign, name=NAME, edition=EDITION, not_before=None)
    parts = {f"p{i}": part for i, part in enumerate(message.text_parts)}
    concatenated = " || g.name || ".join(f":{key}" for key in parts)
    when = OutboxMessage.__table__.c.created_at.type
    statement = text(RAW.format(text=concatenated)).bindparams(
        bindparam("buttons", type_=JSON), bindparam("now", type_=when)
    )
    values = {**parts, "buttons": message.buttons, "now": datetime.now(UTC), "year": EDITION}
    async with runtime.session_factory.begin() as session:
        return (await session.execute(statement, values)).rowcount


async def _rows(runtime, prefix: str) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(
            select(func.count()).where(OutboxMessage.idempotency_key.startswith(prefix))
        )


async def texts_match(runtime, t, campaign) -> bool:
    """A sample of enqueued rows: text as Python renders it, same text and buttons as raw."""
    async with runtime.session_factory() as session:
        rows = (
            await session.execute(
                select(Graduate.name, OutboxMessage.text, OutboxMessage.buttons, Graduate.id)
                .join(Graduate, Graduate.id == OutboxMessage.graduate_id)
                .where(OutboxMessage.kind == "campaign")
                .where(OutboxMessage.idempotency_key.startswith(f"campaign:{NAME}:"))
                .order_by(OutboxMessage.id)
                .limit(SAMPLE_TEXTS)
            )
        ).all()
        raw = dict(
            (
                await session.execute(
                    select(OutboxMessage.graduate_id, OutboxMessage.text).where(
                        OutboxMessage.idempotency_key.in_([f"raw:{r.id}" for r in rows])
                    )
                )
            ).all()
        )
    buttons = campaign_message(t, campaign, name=NAME, edition=EDITION, not_before=None).buttons
    return bool(rows) and all(
        r.text == message_text(t, campaign, name=r.name, edition=EDITION) == raw.get(r.id)
        and r.buttons == buttons
        for r in rows
    )


async def bench_backend(url: str, graduates: int) -> list[dict]:
    settings = Settings(database_url=url, secret_key=SECRET)
    campaign = settings.campaigns[NAME]
    t = get_translator()
    out = []
    async with open_runtime(settings) as runtime:
        started = time.perf_counter()
        expected = await insert_graduates(runtime, graduates)
        audience = sum(expected["reachable"].values()) + sum(expected["unreachable"].values())
        reach = sum(expected["reachable"].values())
        print(
            f"    inserted {graduates} graduates in {time.perf_counter() - started:.1f}s "
            f"(audience {audience}, reachable {reach})",
            flush=True,
        )
        if runtime.engine.dialect.name == "postgresql":
            async with runtime.engine.connect() as connection:
                await connection.execute(text("ANALYZE"))
                await connection.commit()

        for phase in ("raw INSERT…SELECT", "raw repeat"):
            started = time.perf_counter()
            added = await raw_insert(runtime, t, campaign)
            seconds = time.perf_counter() - started
            want = reach if phase == "raw INSERT…SELECT" else 0
            out.append(_result(phase, graduates, audience, added, seconds, float("nan"), want))
            print(f"    {phase:18} added {added:7} {seconds:8.2f}s", flush=True)

        def run(dry: bool):
            return run_campaign(
                runtime.session_factory,
                t,
                name=NAME,
                campaign=campaign,
                today=TODAY,
                tz=settings.timezone,
                dry_run=dry,
                holidays=lambda d: False,
            )

        for phase, dry in (("dry-run", True), ("campaign run", False), ("second run", False)):
            _reset_peak_rss()
            started = time.perf_counter()
            report = await run(dry)
            seconds = time.perf_counter() - started
            checks = {
                "reachable per county": report.reachable == expected["reachable"],
                "unreachable per county": report.unreachable == expected["unreachable"],
                "added": report.enqueued == (reach if phase == "campaign run" else 0),
                "outbox rows": await _rows(runtime, f"campaign:{NAME}:{EDITION}:")
                == (0 if dry else reach),
            }
            if phase == "campaign run":
                checks["texts as Python renders them"] = await texts_match(runtime, t, campaign)
            r = _result(phase, graduates, report.audience, report.enqueued, seconds, _vm_hwm_mb())
            r["checks"] = checks
            out.append(r)
            print(
                f"    {phase:18} audience {report.audience:7} added {report.enqueued:7} "
                f"{seconds:8.2f}s  peak RSS {r['rss']:6.1f} MB  "
                + (
                    "ok"
                    if all(checks.values())
                    else "FAIL " + ", ".join(k for k, v in checks.items() if not v)
                ),
                flush=True,
            )
    return out


def _result(phase, graduates, audience, added, seconds, rss, want=None) -> dict:
    checks = {} if want is None else {"rows added": added == want}
    return {
        "phase": phase,
        "graduates": graduates,
        "audience": audience,
        "enqueued": added,
        "seconds": seconds,
        "rss": rss,
        "checks": checks,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--graduates", type=int, default=100_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"python {sys.version.split()[0]}; 毕业季 {EDITION} over {args.graduates} graduates")
    table, failed = [], False
    with tempfile.TemporaryDirectory(prefix="yulu-campaign-bench-") as tmp:
        for backend in backends:
            print(f"  {backend}:", flush=True)
            with fresh_database(backend, Path(tmp)) as url:
                results = asyncio.run(bench_backend(url, args.graduates))
            for r in results:
                ok = all(r["checks"].values())
                failed |= not ok
                table.append((backend, r, ok))
    print()
    print("| backend | phase | graduates | audience | added | seconds | peak RSS MB | checks |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for backend, r, ok in table:
        rss = "–" if r["rss"] != r["rss"] else f"{r['rss']:.1f}"
        print(
            f"| {backend} | {r['phase']} | {r['graduates']} | {r['audience']} | {r['enqueued']} "
            f"| {r['seconds']:.2f} | {rss} | {'ok' if ok else 'FAIL'} |"
        )
    seconds = {(backend, r["phase"]): r["seconds"] for backend, r, _ in table}
    for backend in backends:
        ratio = seconds[backend, "campaign run"] / seconds[backend, "raw INSERT…SELECT"]
        repeat = seconds[backend, "second run"] / seconds[backend, "raw repeat"]
        print(
            f"{backend}: campaign run / raw INSERT…SELECT = {ratio:.2f}; "
            f"repeat / raw repeat = {repeat:.2f}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

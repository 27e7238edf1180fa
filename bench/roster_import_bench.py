"""Roster import benchmark (issue 3): a realistic N-row roster with 1% bad rows, XLSX and CSV.

Usage: python bench/roster_import_bench.py [--backend sqlite|postgres|both] [--rows 10000]
                                           [--types xlsx,csv,xlsx-openpyxl,csv-gbk]

Per backend and file type, on a fresh migrated database: register one cadre, import the roster
(timed), check the report (exactly the planted bad rows, by row number and reason), re-import
the same file (timed; must insert and update nothing). Prints wall time, rows/s and peak RSS.
Figures only: nothing here asserts on time. PostgreSQL: a fresh database (tests/dbutil.py)
on YULU_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import resource
import sys
import tempfile
import time
import zipfile
from collections import Counter
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tests"))

import dbutil
from openpyxl import Workbook
from sqlalchemy import func, select

from yulu.core.config import Settings
from yulu.core.errors import InvalidInput
from yulu.services import cadres
from yulu.services.context import open_runtime
from yulu.services.demo import demo_id_number
from yulu.services.roster import ImportReport, import_roster
from yulu.storage.models import RosterEntry

PG_URL = os.environ.get("YULU_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789"
CADRE_PHONE = "13900000001"
UNKNOWN_CADRE_PHONE = "13900009999"  # not registered: a warning, the row still goes in

HEADER = [
    "姓名",
    "身份证号",
    "手机号",
    "学校",
    "专业",
    "学历层次",
    "毕业年份",
    "户籍地",
    "家庭类型",
    "易地搬迁",
    "帮扶干部手机号",
]
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "小红明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英建国志文斌婷宇浩然子涵欣怡梓轩雨泽佳琪思远晨曦嘉豪俊杰家乐诗琪"
HUKOU = [
    "隆回",
    "隆回县",
    "湖南省邵阳市隆回县",
    "邵阳县",
    "湖南省邵阳市邵阳县",
    "新化",
    "新化县",
    "桑植",
    "桑植县",
    "新邵",
]
SCHOOLS = [
    "隆回县职业中专学校",
    "邵阳职业技术学院",
    "湖南工业职业技术学院",
    "新化县职业中专学校",
    "湖南化工职业技术学院",
    "张家界航空工业职业技术学院",
    "邵阳县职业技术学校",
    "湖南交通职业技术学院",
    "湖南省工业技师学院",
    "桑植县职业中等专业学校",
]
MAJORS = [
    "汽车运用与维修",
    "电子商务",
    "护理",
    "数控技术应用",
    "学前教育",
    "计算机应用",
    "会计事务",
    "机电技术应用",
    "旅游服务与管理",
    "工业机器人技术",
    "电子技术应用",
    "中餐烹饪",
    "建筑工程施工",
    "物流管理",
    "新能源汽车运用与维修",
    "婴幼儿托育服务与管理",
]
LEVELS = ["中职", "高职", "技工", "中专", "大专"]
BAD_KINDS = {  # kind → the reason import_roster must report
    "checksum": "id-checksum",
    "phone": "phone",
    "place": "place-unknown",
    "name": "missing-name",
    "year": "year-range",
    "household": "household-type",
}


def generate(rows: int, seed: int = 7) -> tuple[list[list[object]], dict[int, str], int]:
    """Roster rows (header excluded), {spreadsheet row number: expected reason}, expected warnings."""
    rng = random.Random(seed)
    ids = rng.sample(range(3650 * 1000), rows)  # (birth day offset, sequence) pairs, all unique
    phones = rng.sample(range(10**9), rows)
    bad_count = rows // 100
    bad_at = sorted(rng.sample(range(rows), bad_count))
    kinds = list(BAD_KINDS)
    bad_kind = {index: kinds[n % len(kinds)] for n, index in enumerate(bad_at)}
    expected: dict[int, str] = {}
    warnings = 0
    data: list[list[object]] = []
    born0 = date(1998, 1, 1)
    for index in range(rows):
        day, sequence = divmod(ids[index], 1000)
        birth = (born0 + timedelta(days=day)).strftime("%Y%m%d")
        id_number = demo_id_number(birth, sequence)
        phone = f"1{rng.choice('3456789')}{phones[index]:09d}"
        cadre_roll = rng.random()
        cadre_phone = (
            CADRE_PHONE if cadre_roll < 0.6 else (UNKNOWN_CADRE_PHONE if cadre_roll < 0.65 else "")
        )
        row: list[object] = [
            rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            id_number,
            phone if rng.random() < 0.95 else "",  # phone is optional
            rng.choice(SCHOOLS),
            rng.choice(MAJORS),
            rng.choice(LEVELS),
            rng.choice((2022, 2023, 2024, 2025, 2026, 2027)),
            rng.choice(HUKOU),
            "脱贫家庭" if rng.random() < 0.8 else "监测对象",
            "是" if rng.random() < 0.15 else "否",
            cadre_phone,
        ]
        kind = bad_kind.get(index)
        if kind == "checksum":
            check = id_number[-1]
            row[1] = id_number[:-1] + rng.choice([c for c in "0123456789X" if c != check])
        elif kind == "phone":
            row[2] = rng.choice((phone[:10], "12" + phone[2:], phone[:7] + "-12"))
        elif kind == "place":
            row[7] = "火星"
        elif kind == "name":
            row[0] = ""
        elif kind == "year":
            row[6] = 1890
        elif kind == "household":
            row[8] = rng.choice(("低保户", "一般户", "五保"))
        if kind:
            expected[index + 2] = BAD_KINDS[kind]  # row 1 is the header
        elif cadre_phone == UNKNOWN_CADRE_PHONE:
            warnings += 1
        data.append(row)
    return data, expected, warnings


SNIFF_BYTES = 65536  # services.tabular._csv_encoding decodes only this prefix of the file


def write_csv(path: Path, data: list[list[object]], *, encoding: str = "utf-8-sig") -> None:
    """A CSV roster as Excel saves it: UTF-8 with BOM, or GBK (gb18030)."""
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)


def sniff_breaks(path: Path, encoding: str) -> bool:
    """True when the file's first SNIFF_BYTES end inside a multi-byte character."""
    try:
        path.read_bytes()[:SNIFF_BYTES].decode(encoding)
    except UnicodeDecodeError:
        return True
    return False


def write_xlsx(path: Path, data: list[list[object]], *, excel_like: bool = True) -> None:
    """An XLSX roster. openpyxl writes every string inline (and, write-only, no <dimension>);
    Excel and WPS write a shared-string table and the dimension, so by default the file is
    rewritten that way. `excel_like=False` keeps openpyxl's write-only output (what
    `yulu export` produces)."""
    if not excel_like:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("名单")
        sheet.append(HEADER)
        for row in data:
            sheet.append(row)
        workbook.save(path)
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)  # ID and phone numbers stay text cells, the year an integer
    workbook.save(path)
    _use_shared_strings(path)


_INLINE = re.compile(
    r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.DOTALL
)


def _use_shared_strings(path: Path) -> None:
    """Move inline strings into xl/sharedStrings.xml, as Excel saves them."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    strings: dict[str, int] = {}
    total = 0

    def shared(match: re.Match) -> str:
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        text, count = _INLINE.subn(shared, parts[name].decode())
        parts[name], total = text.encode(), total + count
    items = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{total}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)


# --- memory -------------------------------------------------------------------------------


def _reset_peak_rss() -> bool:
    """Reset this process's VmHWM (Linux: write 5 to clear_refs) so a phase gets its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


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


# --- the benchmark ------------------------------------------------------------------------


async def _timed_import(runtime, path: Path):
    _reset_peak_rss()
    started = time.perf_counter()
    report = await import_roster(runtime.session_factory, runtime.cipher, path)
    return report, time.perf_counter() - started, _vm_hwm_mb()


async def bench_one(
    url: str, path: Path, rows: int, expected: dict[int, str], expected_warnings: int
) -> list[dict]:
    settings = Settings(database_url=url, secret_key=SECRET)
    results = []
    async with open_runtime(settings) as runtime:
        async with runtime.session_factory.begin() as session:
            await cadres.add_cadre(
                session,
                runtime.cipher,
                name="王书记",
                phone=CADRE_PHONE,
                region="隆回",
                actor="bench",
            )
        try:
            first, seconds, peak = await _timed_import(runtime, path)
        except InvalidInput as exc:
            print(f"    import refused the file: {exc.reason}: {exc}")
            return [
                {
                    "run": "first",
                    "seconds": float("nan"),
                    "peak": float("nan"),
                    "report": ImportReport(),
                    "checks": {f"refused ({exc.reason})": False},
                }
            ]
        got = dict(first.errors)
        checks = {
            "errors == planted": len(first.errors) == len(expected) and got == expected,
            "inserted == good rows": first.inserted == rows - len(expected),
            "warnings (unknown cadre)": len(first.warnings) == expected_warnings,
        }
        if got != expected:
            wrong = [
                (n, got.get(n), expected.get(n))
                for n in sorted(set(got) | set(expected))
                if got.get(n) != expected.get(n)
            ]
            print(f"    MISMATCH (row, got, expected), first 10: {wrong[:10]}")
        results.append(
            {"run": "first", "seconds": seconds, "peak": peak, "report": first, "checks": checks}
        )
        again, seconds, peak = await _timed_import(runtime, path)
        checks = {
            "re-import 0 inserted/0 updated": again.inserted == 0 and again.updated == 0,
            "re-import errors == planted": dict(again.errors) == expected,
        }
        results.append(
            {
                "run": "re-import",
                "seconds": seconds,
                "peak": peak,
                "report": again,
                "checks": checks,
            }
        )
        async with runtime.session_factory() as session:
            stored = await session.scalar(select(func.count()).select_from(RosterEntry))
        results[-1]["checks"]["roster rows == good rows"] = stored == rows - len(expected)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--types",
        default="xlsx,csv",
        help="comma-separated: xlsx (as Excel saves it), xlsx-openpyxl (inline strings, "
        "no dimension), csv (UTF-8 with BOM), csv-gbk",
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    types = [t.strip() for t in args.types.split(",") if t.strip()]

    with tempfile.TemporaryDirectory(prefix="yulu-roster-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        data, expected, expected_warnings = generate(args.rows)
        files = {}
        for kind in types:
            if kind.startswith("xlsx"):
                files[kind] = folder / f"{kind}.xlsx"
                write_xlsx(files[kind], data, excel_like=kind == "xlsx")
                continue
            encoding = "gb18030" if kind == "csv-gbk" else "utf-8-sig"
            files[kind] = folder / f"{kind}.csv"
            write_csv(files[kind], data, encoding=encoding)
            if sniff_breaks(files[kind], encoding):
                # services.tabular guesses the encoding from the first 64 KiB; before 2acbdfd a
                # character cut there made it refuse the whole file ('encoding').
                print(
                    f"note: {kind}: byte {SNIFF_BYTES} falls inside a character "
                    f"(the import must still accept the file)"
                )
        print(
            f"roster: {args.rows} rows, {len(expected)} bad "
            f"({dict(Counter(expected.values()))}), {expected_warnings} unknown-cadre rows; "
            f"generated in {time.perf_counter() - started:.1f}s "
            + ", ".join(f"{k} {p.stat().st_size / 1e6:.2f} MB" for k, p in files.items())
        )
        print(
            f"python {sys.version.split()[0]}, peak RSS = VmHWM reset before each run; "
            f"ru_maxrss = process high-water mark so far"
        )
        table = []
        failed = False
        for backend in backends:
            for kind, path in files.items():
                with fresh_database(backend, folder) as url:
                    results = asyncio.run(
                        bench_one(url, path, args.rows, expected, expected_warnings)
                    )
                for r in results:
                    rep = r["report"]
                    ok = all(r["checks"].values())
                    failed |= not ok
                    table.append(
                        (
                            backend,
                            kind,
                            r["run"],
                            r["seconds"],
                            args.rows / r["seconds"],
                            r["peak"],
                            _ru_maxrss_mb(),
                            rep.inserted,
                            rep.updated,
                            rep.unchanged,
                            len(rep.errors),
                            len(rep.warnings),
                            "ok"
                            if ok
                            else "FAIL " + ", ".join(k for k, v in r["checks"].items() if not v),
                        )
                    )
                    print(
                        f"  {backend:8} {kind:8} {r['run']:9} {r['seconds']:7.2f}s "
                        f"{args.rows / r['seconds']:8.0f} rows/s  peak RSS {r['peak']:6.1f} MB  "
                        f"ins {rep.inserted} upd {rep.updated} same {rep.unchanged} "
                        f"err {len(rep.errors)} warn {len(rep.warnings)}  {table[-1][-1]}",
                        flush=True,
                    )
        print()
        print(
            "| backend | file | run | seconds | rows/s | peak RSS MB | ru_maxrss MB | inserted "
            "| updated | unchanged | errors | warnings | checks |"
        )
        print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for row in table:
            print(
                "| {} | {} | {} | {:.2f} | {:.0f} | {:.1f} | {:.1f} | {} | {} | {} | {} | {} | {} |".format(
                    *row
                ).replace(" nan |", " – |")
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

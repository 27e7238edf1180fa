"""Roster import: good rows in, bad rows reported by number, re-import changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from yulu.services import cadres, roster
from yulu.services.context import Runtime
from yulu.services.demo import demo_id_number
from yulu.services.tabular import table_writer
from yulu.storage.models import RosterEntry

pytestmark = pytest.mark.integration
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


def good_row(i: int, *, cadre_phone: str = "13900000001") -> list[str]:
    return [
        f"学生{chr(0x4E00 + i)}",
        demo_id_number("20050101", i),
        f"1380000{i:04d}",
        "隆回职中",
        "汽车运用与维修",
        "中职",
        "2025",
        "隆回",
        "脱贫家庭",
        "否",
        cadre_phone,
    ]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with table_writer(path, HEADER) as write:
        for row in rows:
            write(row)
    return path


async def _count(runtime: Runtime) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count(RosterEntry.id)))


async def _add_cadre(runtime: Runtime) -> None:
    async with runtime.session_factory.begin() as session:
        await cadres.add_cadre(
            session, runtime.cipher, name="王书记", phone="13900000001", region="隆回"
        )


async def test_good_rows_go_in_and_bad_rows_are_reported(runtime: Runtime, tmp_path: Path) -> None:
    await _add_cadre(runtime)
    bad_checksum = good_row(3)
    bad_checksum[1] = bad_checksum[1][:-1] + ("0" if bad_checksum[1][-1] != "0" else "1")
    bad_phone = good_row(4)
    bad_phone[2] = "12345"
    no_place = good_row(5)
    no_place[7] = "火星"
    rows = [good_row(1), good_row(2), bad_checksum, bad_phone, no_place, good_row(1)]
    report = await roster.import_roster(
        runtime.session_factory, runtime.cipher, write_csv(tmp_path / "r.csv", rows)
    )
    assert report.inserted == 2
    assert report.errors == [
        (4, "id-checksum"),
        (5, "phone"),
        (6, "place-unknown"),
        (7, "duplicate-in-file"),
    ]
    assert await _count(runtime) == 2


async def test_reimport_changes_nothing_and_xlsx_works(runtime: Runtime, tmp_path: Path) -> None:
    await _add_cadre(runtime)
    workbook = Workbook()
    workbook.active.append(HEADER)
    for i in range(1, 6):
        workbook.active.append(good_row(i))
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    first = await roster.import_roster(runtime.session_factory, runtime.cipher, path)
    second = await roster.import_roster(runtime.session_factory, runtime.cipher, path)
    assert (first.inserted, first.unchanged) == (5, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 5)
    assert await _count(runtime) == 5


async def test_unknown_cadre_phone_is_a_warning_not_a_rejection(
    runtime: Runtime, tmp_path: Path
) -> None:
    report = await roster.import_roster(
        runtime.session_factory,
        runtime.cipher,
        write_csv(tmp_path / "r.csv", [good_row(1, cadre_phone="13700000000")]),
    )
    assert report.inserted == 1 and report.warnings == [(2, "cadre-unknown")]


async def test_gbk_csv_from_excel_is_read(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    lines = [",".join(HEADER), ",".join(good_row(1, cadre_phone=""))]
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    report = await roster.import_roster(runtime.session_factory, runtime.cipher, path)
    assert report.inserted == 1 and not report.errors


async def test_csv_longer_than_the_encoding_sample_is_read(
    runtime: Runtime, tmp_path: Path
) -> None:
    """A UTF-8 character cut at the 64 KiB sniffing boundary must not make the file unreadable."""
    for pad in range(3):  # shift the boundary across each byte of a 3-byte character
        rows = [good_row(i, cadre_phone="") for i in range(1, 700)]
        rows[0][3] += "x" * pad
        path = write_csv(tmp_path / f"big{pad}.csv", rows)
        assert path.stat().st_size > 65536
        report = await roster.import_roster(runtime.session_factory, runtime.cipher, path)
        assert not report.errors, report.errors[:3]

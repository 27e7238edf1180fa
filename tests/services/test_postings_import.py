"""Posting import: good rows in, bad rows reported by number, re-import updates, no duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from jobs_helpers import GONE, TODAY, import_rows, posting_ids, posting_row
from openpyxl import Workbook
from sqlalchemy import func, select

from yulu.services.context import Runtime
from yulu.services.postings import import_postings
from yulu.storage.postings import Posting, PostingKind, PostingTrade

pytestmark = pytest.mark.integration


async def _count(runtime: Runtime) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count(Posting.id)))


async def test_good_rows_go_in_and_bad_rows_are_reported(runtime: Runtime, tmp_path: Path) -> None:
    rows = [
        posting_row("A1"),
        posting_row("A2", 岗位类型="兼职"),
        posting_row("A3", 工作地点="火星基地"),
        posting_row("A4", 薪资下限=9000, 薪资上限=5000),
        posting_row("A5", 报名方式=""),
        posting_row("A6", 专业要求="量子炼金术"),
        posting_row("A7", 截止日期="下个月吧"),
        posting_row("A1", 岗位名称="同一编号"),
        posting_row("A8", 专业要求="汽修;量子炼金术", 截止日期=GONE),
        posting_row(
            "A9",
            岗位类型="就业见习",
            工作地点="全国",
            专业要求="不限",
            薪资下限="三千五",
            薪资上限="面议",
            截止日期="长期",
        ),
    ]
    report = await import_rows(runtime, tmp_path, rows)
    assert report.errors == [
        (3, "posting-kind"),
        (4, "place-unknown"),
        (5, "pay-range"),
        (6, "missing-apply-how"),
        (7, "major-unknown"),
        (8, "deadline"),
        (9, "duplicate-posting-in-file"),
    ]
    assert report.warnings == [(10, "major-partly-unknown"), (10, "deadline-passed")]
    assert report.inserted == 3 and await _count(runtime) == 3
    async with runtime.session_factory() as session:
        a9 = await session.scalar(select(Posting).where(Posting.source_key == "code:A9"))
    assert (a9.kind, a9.region_id, a9.pay_min, a9.pay_max, a9.deadline) == (
        PostingKind.TRAINEESHIP,
        None,
        3500,
        None,
        None,
    )


async def test_reimport_updates_and_never_duplicates(runtime: Runtime, tmp_path: Path) -> None:
    rows = [posting_row("B1"), posting_row("B2", 工作地点="长沙", 专业要求="会计")]
    first = await import_rows(runtime, tmp_path, rows)
    again = await import_rows(runtime, tmp_path, rows)
    rows[1] = posting_row("B2", 工作地点="长沙", 专业要求="电商", 薪资下限=4500)
    changed = await import_rows(runtime, tmp_path, rows)
    assert (first.inserted, again.unchanged, changed.updated, changed.unchanged) == (2, 2, 1, 1)
    assert await _count(runtime) == 2
    ids = await posting_ids(runtime)
    async with runtime.session_factory() as session:
        codes = set(
            await session.scalars(
                select(PostingTrade.code).where(PostingTrade.posting_id == ids["B2"])
            )
        )
        pay = await session.scalar(select(Posting.pay_min).where(Posting.id == ids["B2"]))
    assert codes == {"m:电子商务"} and pay == 4500  # the trade codes follow the new 专业要求


async def test_rows_without_a_code_are_keyed_by_content(runtime: Runtime, tmp_path: Path) -> None:
    rows = [posting_row("", 单位名称="鹏程汽修", 岗位名称="技师")]
    await import_rows(runtime, tmp_path, rows)
    rows[0] = posting_row("", 单位名称="鹏程汽修", 岗位名称="技师", 薪资上限=7000)
    report = await import_rows(runtime, tmp_path, rows)
    assert report.updated == 1 and await _count(runtime) == 1


async def test_xlsx_with_english_headers(runtime: Runtime, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(
        [
            "employer",
            "title",
            "kind",
            "location",
            "majors",
            "education",
            "salary_min",
            "deadline",
            "how_to_apply",
        ]
    )
    workbook.active.append(
        [
            "长沙星城会计",
            "会计助理",
            "full_time",
            "长沙",
            "会计;财务会计类",
            "中职及以上",
            3500,
            TODAY.replace(month=12),
            "hr@example.com",
        ]
    )
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    report = await import_postings(runtime.session_factory, path, today=TODAY)
    assert report.inserted == 1 and not report.errors
    async with runtime.session_factory() as session:
        posting = await session.scalar(select(Posting))
        codes = set(await session.scalars(select(PostingTrade.code)))
    assert posting.region.full_name == "湖南省长沙市" and posting.education_min == 1
    assert (
        codes == {"m:会计事务", "c:财务会计类"}
        and posting.deadline.isoformat() == f"{TODAY.year}-12-30"
    )

"""Builders shared by the posting and matching tests: posting files, graduates, a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from yulu.services import cadres, places
from yulu.services.context import Runtime
from yulu.services.postings import HEADER, import_postings
from yulu.services.tabular import table_writer
from yulu.storage.models import EducationLevel, EmploymentStatus, Graduate
from yulu.storage.postings import Posting

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai, ISO week 2026-W49
TODAY = date(2026, 11, 30)
LATER = (TODAY + timedelta(days=30)).isoformat()
GONE = (TODAY - timedelta(days=1)).isoformat()
YEAR = TODAY.year


def posting_row(code: str, **fields: Any) -> list[Any]:
    """One row of a posting file, with sensible defaults for every column."""
    row = {
        "岗位编号": code,
        "单位名称": f"{code}公司",
        "单位性质": "民企",
        "岗位名称": f"{code}岗位",
        "岗位类型": "全职",
        "工作地点": "深圳市宝安区",
        "专业要求": "汽修",
        "学历要求": "不限",
        "薪资下限": 4000,
        "薪资上限": 6000,
        "招聘人数": 3,
        "截止日期": LATER,
        "报名方式": "电话 0755-12345678",
        "备注": "",
    }
    row.update(fields)
    return [row[column] for column in HEADER]


def write_postings(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    with table_writer(path, header or HEADER) as write:
        for row in rows:
            write(row)
    return path


async def import_rows(runtime: Runtime, tmp_path: Path, rows: list[list[Any]], name: str = "p.csv"):
    return await import_postings(
        runtime.session_factory, write_postings(tmp_path / name, rows), today=TODAY
    )


async def posting_ids(runtime: Runtime) -> dict[str, int]:
    """岗位编号 → posting id."""
    async with runtime.session_factory() as session:
        rows = await session.execute(select(Posting.source_key, Posting.id))
        return {key.removeprefix("code:"): pid for key, pid in rows}


_next_user = iter(range(700_000, 800_000))


async def make_graduate(
    runtime: Runtime,
    *,
    major: str = "汽修",
    desired: str | None = "广东",
    hukou: str = "隆回",
    status: EmploymentStatus = EmploymentStatus.SEEKING,
    year: int = YEAR,
    education: EducationLevel = EducationLevel.HIGHER,
    cadre_id: int | None = None,
    **extra: Any,
) -> int:
    """A registered graduate (as sign-up stores one); returns the id."""
    user = next(_next_user)
    phone = f"137{user:08d}"
    async with runtime.session_factory.begin() as session:
        home = await places.region_for(session, places.county(hukou))
        want = await places.region_for(session, places.any_level(desired)) if desired else None
        graduate = Graduate(
            telegram_user_id=user,
            chat_id=user,
            name="测试学生",
            phone_enc=runtime.cipher.encrypt(phone),
            phone_hash=runtime.cipher.lookup_hash(phone),
            phone_tail=phone[-4:],
            school="隆回职中",
            major=major,
            education_level=education,
            graduation_year=year,
            hukou_region_id=home.id,
            desired_region_id=want.id if want else None,
            status=status,
            cadre_id=cadre_id,
            verified=True,
            consent_version="test",
            consent_at=NOW,
            **extra,
        )
        session.add(graduate)
        await session.flush()
        return graduate.id


async def cadre_with_chat(runtime: Runtime, *, chat_id: int = 2_999) -> tuple[int, int]:
    """A bound cadre (王书记); returns (cadre id, Telegram chat id)."""
    async with runtime.session_factory.begin() as session:
        cadre = await cadres.add_cadre(
            session, runtime.cipher, name="王书记", phone="13900000001", region="隆回"
        )
        cadre.telegram_user_id = chat_id
        return cadre.id, chat_id

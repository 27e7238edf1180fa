"""Shared rows under concurrency: thirty sign-ups naming the same new place at the same moment."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from yulu.services import signup
from yulu.services.context import Runtime
from yulu.storage.models import Graduate, Region

pytestmark = pytest.mark.integration
NEW_PLACE = "湖南省邵阳市新宁县"  # in no region row before these sign-ups


def _draft(runtime: Runtime, n: int) -> signup.Draft:
    draft = signup.start_draft(consent_version="2026-11")
    answers = {
        "name": "李小红",
        "phone": f"137{n:08d}",
        "school": "邵阳职业技术学院",
        "major": "汽车运用与维修",
        "education": "高职 2026",
        "hukou": "新宁",
        "desired": "新宁",
        "status": "seeking",
    }
    for field, text in answers.items():
        signup.answer(draft, field, text, runtime.cipher)
    signup.skip_id_number(draft)
    return draft


async def test_thirty_sign_ups_with_the_same_new_place_at_once(runtime: Runtime) -> None:
    drafts = [_draft(runtime, n) for n in range(30)]
    start = asyncio.Event()

    async def sign_up(n: int) -> None:
        await start.wait()  # all thirty in flight before any of them commits
        async with runtime.session_factory.begin() as session:
            await signup.register(
                session, runtime.cipher, drafts[n], telegram_user_id=60_000 + n, chat_id=60_000 + n
            )

    tasks = [asyncio.create_task(sign_up(n)) for n in range(30)]
    await asyncio.sleep(0)
    start.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []  # nobody got the apology
    async with runtime.session_factory() as session:
        regions = await session.scalar(
            select(func.count()).select_from(Region).where(Region.full_name == NEW_PLACE)
        )
        graduates = await session.scalar(
            select(func.count())
            .select_from(Graduate)
            .join(Region, Region.id == Graduate.hukou_region_id)
            .where(Region.full_name == NEW_PLACE)
        )
    assert regions == 1 and graduates == 30

"""Matching and notices: the right postings, explained, once each, within the weekly cap."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from jobs_helpers import (
    GONE,
    NOW,
    YEAR,
    cadre_with_chat,
    import_rows,
    make_graduate,
    posting_ids,
    posting_row,
)
from sqlalchemy import select, text

from yulu.bot.callbacks import JobAction
from yulu.bot.keyboards import render_stored
from yulu.core.errors import InvalidInput
from yulu.core.i18n import get_translator
from yulu.services import matching
from yulu.services.context import Runtime
from yulu.storage.models import (
    CheckIn,
    EducationLevel,
    EmploymentStatus,
    Graduate,
    OutboxMessage,
    OutboxStatus,
)
from yulu.storage.postings import (
    GraduateTrade,
    JobInterest,
    JobNotice,
    RejectionReason,
    replace_graduate_trades,
)

pytestmark = pytest.mark.integration
T = get_translator()
DEMO_LIKE = [
    posting_row("SZ-AUTO", 工作地点="深圳市宝安区", 专业要求="汽车运用与维修;汽修"),
    posting_row("CS-ACCT", 工作地点="长沙", 专业要求="会计事务"),
    posting_row("DG-AUTO-GONE", 工作地点="东莞", 专业要求="汽修", 截止日期=GONE),
]


def settings(cap: int = 3) -> SimpleNamespace:
    return SimpleNamespace(
        timezone="Asia/Shanghai", matching=SimpleNamespace(weekly_cap=cap, batch_size=2)
    )


async def run(
    runtime: Runtime, *, cap: int = 3, dry_run: bool = False, now=NOW
) -> matching.MatchReport:
    return await matching.run_matching(
        runtime.session_factory, T, settings=settings(cap), dry_run=dry_run, now=now
    )


async def sent_to(runtime: Runtime, graduate_id: int) -> list[OutboxMessage]:
    async with runtime.session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.graduate_id == graduate_id, OutboxMessage.kind == "job_notice")
                .order_by(OutboxMessage.id)
            )
        )


def posting_of(message: OutboxMessage) -> int:
    return int(message.idempotency_key.split(":")[1])


async def test_guangdong_auto_repair_gets_shenzhen_not_changsha_nor_expired(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_rows(runtime, tmp_path, DEMO_LIKE)
    ids = await posting_ids(runtime)
    graduate = await make_graduate(runtime, major="汽修", desired="广东")
    report = await run(runtime)
    messages = await sent_to(runtime, graduate)
    assert [posting_of(m) for m in messages] == [ids["SZ-AUTO"]]
    notice = messages[0]
    assert notice.idempotency_key == f"notice:{ids['SZ-AUTO']}:{graduate}"
    assert "推荐理由：求职地广东省、专业汽修" in notice.text and "深圳市宝安区" in notice.text
    row = render_stored(get_translator(), notice.buttons).inline_keyboard[0]
    taps = [JobAction.unpack(b.callback_data) for b in row]
    assert [(tap.action, tap.posting_id) for tap in taps] == [
        ("in", ids["SZ-AUTO"]),
        ("no", ids["SZ-AUTO"]),
    ]
    assert report.notices == 1 and report.per_county == {"湖南省邵阳市隆回县": 1}


async def test_running_again_sends_nothing_new(runtime: Runtime, tmp_path: Path) -> None:
    await import_rows(runtime, tmp_path, DEMO_LIKE)
    graduate = await make_graduate(runtime)
    first = await run(runtime)
    second = await run(runtime, now=NOW + timedelta(days=7))  # next week, cap free again
    assert (first.notices, second.notices) == (1, 0)
    assert len(await sent_to(runtime, graduate)) == 1


async def test_weekly_cap_holds_and_frees_up_next_week(runtime: Runtime, tmp_path: Path) -> None:
    rows = [
        posting_row(f"GD-{i}", 工作地点=place) for i, place in enumerate(["深圳", "广州", "佛山"])
    ]
    await import_rows(runtime, tmp_path, rows)
    graduate = await make_graduate(runtime)
    assert (await run(runtime, cap=2)).notices == 2
    assert (await run(runtime, cap=2, now=NOW + timedelta(days=2))).notices == 0  # same ISO week
    assert (await run(runtime, cap=2, now=NOW + timedelta(days=7))).notices == 1
    async with runtime.session_factory() as session:
        weeks = list(
            await session.scalars(select(JobNotice.week).where(JobNotice.graduate_id == graduate))
        )
    assert sorted(weeks) == ["2026-W49", "2026-W49", "2026-W50"]


async def test_place_hierarchy_and_anywhere(runtime: Runtime, tmp_path: Path) -> None:
    rows = [
        posting_row("BAOAN", 工作地点="深圳市宝安区"),
        posting_row("SHENZHEN", 工作地点="深圳"),
        posting_row("GUANGZHOU", 工作地点="广州"),
        posting_row("SHAOYANG", 工作地点="邵阳"),
        posting_row("NATION", 工作地点="全国"),
    ]
    await import_rows(runtime, tmp_path, rows)
    ids = await posting_ids(runtime)
    by_place = {
        place: await make_graduate(runtime, desired=place)
        for place in ("深圳", "宝安区", "湖南", "广西")
    }
    anywhere = await make_graduate(runtime, desired=None)
    await run(runtime, cap=10)
    got = {
        place: {posting_of(m) for m in await sent_to(runtime, gid)}
        for place, gid in by_place.items()
    }
    assert got["深圳"] == {ids["BAOAN"], ids["SHENZHEN"], ids["NATION"]}
    assert got["宝安区"] == {
        ids["BAOAN"],
        ids["SHENZHEN"],
        ids["NATION"],
    }  # a city-wide posting covers it
    assert got["湖南"] == {ids["SHAOYANG"], ids["NATION"]}
    assert got["广西"] == {ids["NATION"]}
    near_home_first = await sent_to(runtime, anywhere)
    assert posting_of(near_home_first[0]) == ids["SHAOYANG"] and len(near_home_first) == 5
    assert "离户籍地近（湖南省）" in near_home_first[0].text


async def test_synonyms_and_categories(runtime: Runtime, tmp_path: Path) -> None:
    rows = [
        posting_row("EXACT", 专业要求="汽车检测与维修技术"),
        posting_row("CLASS", 专业要求="道路运输类"),
        posting_row("ANY", 专业要求="不限"),
        posting_row("OTHER", 专业要求="护理"),
    ]
    await import_rows(runtime, tmp_path, rows)
    ids = await posting_ids(runtime)
    graduate = await make_graduate(runtime, major="学的汽车维修")
    await run(runtime, cap=10)
    messages = await sent_to(runtime, graduate)
    assert [posting_of(m) for m in messages] == [
        ids["EXACT"],
        ids["CLASS"],
        ids["ANY"],
    ]  # best first
    assert "专业学的汽车维修属于道路运输类" in messages[1].text and "不限专业" in messages[2].text


async def test_status_and_education_decide_what_is_sent(runtime: Runtime, tmp_path: Path) -> None:
    rows = [
        posting_row("JOB"),
        posting_row("INTERN", 岗位类型="实习"),
        posting_row("TRAINEE", 岗位类型="见习"),
        posting_row("HIGHER-ONLY", 学历要求="大专及以上"),
    ]
    await import_rows(runtime, tmp_path, rows)
    ids = await posting_ids(runtime)
    who = {
        "seeking": await make_graduate(runtime, year=YEAR - 3),
        "lost_job": await make_graduate(runtime, status=EmploymentStatus.LOST_JOB),
        "student": await make_graduate(runtime, year=YEAR + 1),
        "secondary": await make_graduate(
            runtime, education=EducationLevel.SECONDARY, year=YEAR - 3
        ),
        "employed": await make_graduate(runtime, status=EmploymentStatus.EMPLOYED),
        "opted_in": await make_graduate(runtime, status=EmploymentStatus.EMPLOYED),
        "studying": await make_graduate(runtime, status=EmploymentStatus.FURTHER_STUDY),
        "unsubscribed": await make_graduate(runtime, unsubscribed_at=NOW),
        "unreachable": await make_graduate(runtime, unreachable_at=NOW),
    }
    async with runtime.session_factory.begin() as session:
        await matching.opt_in(session, await session.get(Graduate, who["opted_in"]))
    await run(runtime, cap=10)
    got = {k: [posting_of(m) for m in await sent_to(runtime, gid)] for k, gid in who.items()}
    assert set(got["seeking"]) == {ids["JOB"], ids["HIGHER-ONLY"]}  # left school 3 years ago
    assert got["lost_job"][:2] == [ids["HIGHER-ONLY"], ids["JOB"]]  # full-time first
    assert set(got["lost_job"]) == {ids["JOB"], ids["HIGHER-ONLY"], ids["INTERN"], ids["TRAINEE"]}
    assert set(got["student"]) == {
        ids["INTERN"],
        ids["TRAINEE"],
    }  # no full-time job before graduating
    assert set(got["secondary"]) == {ids["JOB"]}  # 大专及以上 is not for 中职
    assert set(got["opted_in"]) == {ids["JOB"], ids["HIGHER-ONLY"]}
    assert got["employed"] == got["studying"] == got["unsubscribed"] == got["unreachable"] == []


async def test_declined_postings_and_their_like_are_left_out(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        posting_row("A", 工作地点="深圳", 薪资上限=5000),
        posting_row("A-TWIN", 工作地点="深圳", 单位名称="另一家"),
        posting_row("SAME-CITY", 工作地点="深圳", 专业要求="汽修;机电"),
        posting_row("CHEAP", 工作地点="广州", 薪资上限=4500),
        posting_row("RICH", 工作地点="佛山", 薪资上限=9000),
    ]
    await import_rows(runtime, tmp_path, rows)
    ids = await posting_ids(runtime)
    by_place, by_pay = await make_graduate(runtime), await make_graduate(runtime)
    async with runtime.session_factory.begin() as session:
        await matching.decline(
            session, await session.get(Graduate, by_place), ids["A"], RejectionReason.PLACE
        )
        await matching.decline(
            session, await session.get(Graduate, by_pay), ids["A"], RejectionReason.PAY
        )
    await run(runtime, cap=10)
    place_got = {posting_of(m) for m in await sent_to(runtime, by_place)}
    pay_got = {posting_of(m) for m in await sent_to(runtime, by_pay)}
    assert place_got == {ids["CHEAP"], ids["RICH"]}  # nothing more in 深圳
    assert pay_got == {
        ids["SAME-CITY"],
        ids["RICH"],
    }  # same place+trade gone; same trade paying ≤ 5000 gone


async def test_interest_is_recorded_once_and_tells_the_cadre(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_rows(runtime, tmp_path, DEMO_LIKE)
    ids = await posting_ids(runtime)
    cadre_id, cadre_chat = await cadre_with_chat(runtime)
    graduate_id = await make_graduate(runtime, cadre_id=cadre_id)
    async with runtime.session_factory.begin() as session:
        graduate = await session.get(Graduate, graduate_id)
        first = await matching.record_interest(
            session, T, runtime.cipher, graduate, ids["SZ-AUTO"], settings=settings(), now=NOW
        )
        again = await matching.record_interest(
            session, T, runtime.cipher, graduate, ids["SZ-AUTO"], settings=settings(), now=NOW
        )
        with pytest.raises(InvalidInput):
            await matching.record_interest(
                session,
                T,
                runtime.cipher,
                graduate,
                ids["DG-AUTO-GONE"],
                settings=settings(),
                now=NOW,
            )
    assert (first.new, again.new, first.cadre_name) == (True, False, "王书记")
    async with runtime.session_factory() as session:
        alerts = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == cadre_chat))
        )
        interests = list(await session.scalars(select(JobInterest)))
    assert len(alerts) == 1 and len(interests) == 1
    assert "测试学生" in alerts[0].text and "汽车运用与维修" not in alerts[0].text
    assert "****" in alerts[0].text and "SZ-AUTO岗位" in alerts[0].text
    assert alerts[0].idempotency_key == f"interest:{ids['SZ-AUTO']}:{graduate_id}"
    await run(runtime)
    assert await sent_to(runtime, graduate_id) == []  # already applied: not pushed again


async def test_dry_run_writes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    await import_rows(runtime, tmp_path, DEMO_LIKE)
    graduate = await make_graduate(runtime)
    report = await run(runtime, dry_run=True)
    assert report.notices == 1 and report.per_county == {"湖南省邵阳市隆回县": 1}
    assert "推荐理由" in report.samples[0]
    assert await sent_to(runtime, graduate) == []
    assert (await run(runtime)).notices == 1


async def test_pending_notice_of_a_posting_that_expired_is_cancelled(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_rows(
        runtime,
        tmp_path,
        [posting_row("SOON", 截止日期=(NOW + timedelta(days=2)).date().isoformat())],
    )
    graduate = await make_graduate(runtime)
    await run(runtime)
    report = await run(runtime, now=NOW + timedelta(days=4))
    [message] = await sent_to(runtime, graduate)
    assert report.expired_cancelled == 1 and message.status == OutboxStatus.CANCELLED


async def test_browsing_pages_and_internships(runtime: Runtime, tmp_path: Path) -> None:
    rows = [
        posting_row("JOB"),
        posting_row("INTERN", 岗位类型="实习", 工作地点="广州"),
        posting_row("CS-ACCT", 工作地点="长沙", 专业要求="会计事务"),
    ]
    await import_rows(runtime, tmp_path, rows)
    ids = await posting_ids(runtime)
    graduate_id = await make_graduate(runtime)
    async with runtime.session_factory.begin() as session:
        graduate = await session.get(Graduate, graduate_id)
        first = await matching.match_page(session, T, graduate, settings=settings(), now=NOW)
        second = await matching.match_page(
            session, T, graduate, settings=settings(), index=1, now=NOW
        )
        past_end = await matching.match_page(
            session, T, graduate, settings=settings(), index=9, now=NOW
        )
        interns = await matching.match_page(
            session, T, graduate, settings=settings(), kind="internship", now=NOW
        )
    assert (first.posting_id, first.total, second.posting_id) == (ids["JOB"], 2, ids["INTERN"])
    assert past_end.posting_id == ids["INTERN"] and past_end.index == 1
    assert (interns.posting_id, interns.total) == (ids["INTERN"], 1)
    assert "推荐理由：求职地广东省、专业汽修" in first.text


async def test_employed_graduate_whose_last_check_in_says_unstable_gets_jobs(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_rows(runtime, tmp_path, [posting_row("JOB")])
    unstable = await make_graduate(runtime, status=EmploymentStatus.EMPLOYED, year=YEAR - 2)
    stable_now = await make_graduate(runtime, status=EmploymentStatus.EMPLOYED, year=YEAR - 2)
    async with runtime.session_factory.begin() as session:
        session.add_all(
            [
                CheckIn(graduate_id=unstable, period="2026-09", answered_at=NOW, stable=True),
                CheckIn(graduate_id=unstable, period="2026-10", answered_at=NOW, stable=False),
                CheckIn(graduate_id=unstable, period="2026-11"),  # asked, not answered yet
                CheckIn(graduate_id=stable_now, period="2026-10", answered_at=NOW, stable=False),
                CheckIn(graduate_id=stable_now, period="2026-11", answered_at=NOW, stable=True),
            ]
        )
    await run(runtime)
    assert len(await sent_to(runtime, unstable)) == 1
    assert await sent_to(runtime, stable_now) == []


async def test_who_stopped_or_paused_gets_nothing_and_a_dry_run_counts_what_a_run_adds(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_rows(runtime, tmp_path, DEMO_LIKE)
    ids = await posting_ids(runtime)
    wants = [await make_graduate(runtime) for _ in range(3)]  # batch_size 2: two batches
    stopped = [
        await make_graduate(runtime, unsubscribed_at=NOW),
        await make_graduate(runtime, unreachable_at=NOW),
        await make_graduate(runtime, paused_until="2027-06"),  # studying: asked again then
    ]
    dry = await run(runtime, dry_run=True)
    real = await run(runtime)
    assert (dry.notices, dry.per_county) == (real.notices, real.per_county) == (3, real.per_county)
    assert real.per_county == {"湖南省邵阳市隆回县": 3} and dry.samples == real.samples
    for graduate_id in wants:
        [notice] = await sent_to(runtime, graduate_id)
        assert notice.idempotency_key == f"notice:{ids['SZ-AUTO']}:{graduate_id}"
        assert notice.text == real.samples[0] and notice.status == OutboxStatus.PENDING
    for graduate_id in stopped:
        assert await sent_to(runtime, graduate_id) == []


async def test_a_repeat_in_the_same_week_writes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    await import_rows(runtime, tmp_path, DEMO_LIKE)
    for _ in range(3):
        await make_graduate(runtime)
    assert (await run(runtime)).notices == 3
    async with runtime.session_factory() as session:
        before = (await session.execute(select(OutboxMessage.id, OutboxMessage.created_at))).all()
    again = await run(runtime)
    assert (again.notices, again.write_seconds, again.per_county) == (0, 0.0, {})
    async with runtime.session_factory() as session:
        after = (await session.execute(select(OutboxMessage.id, OutboxMessage.created_at))).all()
        notices = (await session.scalars(select(JobNotice))).all()
    assert after == before and len(notices) == 3


async def test_two_refreshes_of_one_graduate_at_once_both_succeed(runtime: Runtime) -> None:
    """A matching run and the graduate's own 看岗位 refresh the same trade codes at the same time:
    neither fails on the other's rows (on PostgreSQL the second insert waits for the first
    transaction, then finds its rows), and the graduate keeps one set of codes."""
    graduate_id = await make_graduate(runtime, major="汽车运用与维修")
    majors = matching.major_map()
    codes = {graduate_id: ("汽车运用与维修", majors.graduate_codes("汽车运用与维修"))}
    assert codes[graduate_id][1], "the major must map to at least one trade code"
    async with runtime.session_factory() as first, runtime.session_factory() as second:
        await replace_graduate_trades(first, codes, version=majors.version)  # not committed
        racing = asyncio.create_task(replace_graduate_trades(second, codes, version=majors.version))
        if runtime.session_factory.kw["bind"].dialect.name == "postgresql":
            await _until_a_backend_waits_on_a_lock(runtime)  # the 2nd insert met the 1st rows
        await first.commit()
        await asyncio.wait_for(racing, 10)
        await second.commit()
    async with runtime.session_factory() as session:
        rows = (
            await session.scalars(
                select(GraduateTrade.code).where(GraduateTrade.graduate_id == graduate_id)
            )
        ).all()
    assert sorted(rows) == sorted(codes[graduate_id][1])


async def _until_a_backend_waits_on_a_lock(runtime: Runtime) -> None:
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        async with runtime.session_factory() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting or asyncio.get_running_loop().time() > deadline:
            assert waiting, "the second writer never waited for the first"
            return
        await asyncio.sleep(0.02)

"""The ledger and the figures of a county with known numbers (ledger_county.py says which).

Every expected figure below is worked out by hand from the county's description, not by
re-running the code's own rules.
"""

from __future__ import annotations

import asyncio
import csv
from datetime import date
from pathlib import Path

import ledger_county as county_fixture
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from yulu.core.i18n import get_translator
from yulu.services import ledger, reports
from yulu.services.context import Runtime
from yulu.services.demo import demo_id_number
from yulu.services.reports import Period, scope_for
from yulu.services.tabular import table_writer
from yulu.storage.models import AuditLog, Graduate

pytestmark = pytest.mark.integration
LONGHUI = "隆回"
COPIED = (
    "name",
    "phone_enc",
    "phone_hash",
    "phone_tail",
    "school",
    "major",
    "education_level",
    "graduation_year",
    "hukou_region_id",
    "status",
    "verified",
    "roster_entry_id",
    "consent_version",
    "consent_at",
)


@pytest.fixture
async def county(runtime: Runtime, tmp_path: Path) -> county_fixture.County:
    return await county_fixture.build(runtime, tmp_path)


async def figures(runtime: Runtime, *, by: str | None = None, region: str = LONGHUI):
    async with runtime.session_factory() as session:
        return await reports.summary(
            session,
            scope=scope_for(region),
            period=Period.year(2026),
            by=by,
            sla_hours=48,
            tz="Asia/Shanghai",
            now=county_fixture.NOW,
        )


async def test_every_aggregate_equals_the_hand_count(county, runtime: Runtime) -> None:
    total = (await figures(runtime)).total
    # people: 160 students + 40 new labourers; 120 signed up, 118 matched to the roster
    # (g118/g119 came in by the new labourers' ID numbers); 10 unsubscribed + 5 blocked.
    assert (total.people, total.new_labour, total.signed_up) == (200, 40, 120)
    assert (total.verified, total.reachable) == (118, 105)
    # 120 × 6 asked; 12 × 3 + 96 × 6 answered.
    assert (total.asked, total.answered, total.response_rate) == (720, 612, 0.85)
    # latest answers: 60 employed, 10 self-employed, 10 further study of 108 who answered.
    assert (total.respondents, total.employed, total.placed) == (108, 70, 80)
    assert total.employment_rate == pytest.approx(70 / 108)
    assert total.placement_rate == pytest.approx(80 / 108)
    # acknowledged after 1 2 4 6 10 30 50 70 100 h: median 10, p90 70 + 0.2 × 30 = 76;
    # resolved after 10 24 48 72 96 120 h: median (48 + 72) / 2, p90 96 + 0.5 × 24.
    assert (total.cases, total.lost_job_cases) == (10, 8)
    assert (total.ack_median_hours, total.ack_p90_hours) == pytest.approx((10, 76))
    assert (total.resolve_median_hours, total.resolve_p90_hours) == pytest.approx((60, 108))
    # within 48 h: 1 2 4 6 10 30 of 9 acknowledged + 1 never acknowledged (long past due).
    assert (total.within_sla, total.past_sla) == (0.6, 4)
    # 60 bands: lt2k 6, 2k-3k 14, 3k-5k 20, 5k-8k 20 → the 30th person is in 3k-5k; the same
    # 40 people a year earlier: 20 rose (2k-3k → 3k-5k), 10 same (5k-8k), 10 fell (gt8k).
    assert (total.income_respondents, total.income_median_band) == (60, "3k-5k")
    assert (total.income_pairs, total.income_rose, total.income_same, total.income_fell) == (
        40,
        20,
        10,
        10,
    )
    # 12 notices, 10 of them delivered; 3 taps on 感兴趣.
    assert (total.notices, total.interest) == (10, 3)


async def test_breakdowns_and_the_region_scope(county, runtime: Runtime) -> None:
    def people(summary: reports.Summary) -> dict:
        return {row.group: row.people for row in summary.rows}

    assert people(await figures(runtime, by="year")) == {2025: 80, 2026: 120}
    assert people(await figures(runtime, by="household")) == {"脱贫家庭": 120, "监测对象": 80}
    assert people(await figures(runtime, by="relocated")) == {True: 40, False: 160}
    province = await figures(runtime, by="county", region="湖南")
    assert people(province) == {"湖南省邵阳市隆回县": 200, "湖南省娄底市新化县": 6}
    assert (province.total.people, province.total.signed_up) == (206, 121)
    month = await reports.summary(
        (session := runtime.session_factory()),
        scope=scope_for(LONGHUI),
        period=Period.month("2026-03"),
        sla_hours=48,
        tz="Asia/Shanghai",
        now=county_fixture.NOW,
    )
    await session.close()
    # March: 120 asked, 108 answered; latest answer that month: g12–g17 employed of 108.
    assert (month.total.asked, month.total.answered, month.total.employed) == (120, 108, 6)
    assert (month.total.cases, month.total.lost_job_cases) == (2, 0)


async def test_tracer_employed_1_6_12_months_after_graduation(county, runtime: Runtime) -> None:
    async with runtime.session_factory() as session:
        rows = await reports.tracer(
            session, scope=scope_for(LONGHUI), cohorts=[2025, 2026], graduation_month=6
        )
    got = {(r.cohort, r.months_after): r for r in rows}
    # 2025-07: 80 answered, 40 employed; 30 of them asked if stable, all yes.
    first = got[(2025, 1)]
    assert (first.period, first.respondents, first.employed) == ("2025-07", 80, 40)
    assert (first.employment_rate, first.stable_answered, first.stable_rate) == (0.5, 30, 1.0)
    # 2025-12: g24–g79 answered (56), g24–g63 employed (40), 30 of 40 stable.
    half = got[(2025, 6)]
    assert (half.period, half.respondents, half.employed) == ("2025-12", 56, 40)
    assert (half.employment_rate, half.stable_rate) == (pytest.approx(40 / 56), 0.75)
    # 2026-06: g24–g79 answered, all employed or self-employed; 36 of 54 employed stable.
    year = got[(2025, 12)]
    assert (year.period, year.respondents, year.employment_rate) == ("2026-06", 56, 1.0)
    assert (year.stable_answered, year.stable) == (54, 36)
    # the class of 2026 has not been asked since graduating
    assert got[(2026, 1)].respondents == 0 and got[(2026, 1)].employment_rate is None


async def test_the_ledger_holds_every_person_once(county, runtime: Runtime) -> None:
    async with runtime.session_factory.begin() as session:  # g5 signs up again, a new account
        again = await session.get(Graduate, county.graduate_ids[5])
        session.add(
            Graduate(**{c: getattr(again, c) for c in COPIED}, telegram_user_id=9999, chat_id=9999)
        )
    async with runtime.session_factory() as session:
        rows = [
            row
            async for row in ledger.ledger_rows(
                session,
                runtime.cipher,
                scope=scope_for(LONGHUI),
                period=Period("2026-01", "2026-06"),
                batch=64,
            )
        ]
    assert len(rows) == 200 and len({r.key for r in rows}) == 200
    assert sorted({(r.kind, sum(1 for x in rows if x.kind == r.kind)) for r in rows}) == [
        ("labour", 40),
        ("roster", 160),
    ]
    by_name = {r.name: r for r in rows}
    never = by_name["学生一"]  # g0: asked six times, never answered, unsubscribed
    assert list(never.history.values()) == [ledger.UNANSWERED] * 6 and not never.subscribed
    g24 = by_name[f"学生{chr(0x4E00 + 24)}"]
    assert (g24.history["2026-01"], g24.history["2026-06"], g24.income) == (
        "seeking",
        "employed",
        "3k-5k",
    )
    assert "****" in g24.phone and g24.verified
    labour = {r.name: r for r in rows if r.kind == "labour"}
    # g118's 入学季 answer wins over the roster's 愿意; a row nobody signed up for keeps its own
    assert labour["新生一"].intention == "considering" and labour["新生一"].signed_up
    assert labour[f"新生{chr(0x4E00 + 15)}"].intention == "considering"
    assert labour[f"新生{chr(0x4E00 + 30)}"].history == {}
    lost = by_name[f"学生{chr(0x4E00 + 108)}"]
    assert (lost.cases_opened, lost.cases_resolved, lost.status) == (1, 1, "lost_job")


async def test_ledger_xlsx_has_four_sheets_and_a_full_export_is_audited(
    county, runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "ledger.xlsx"
    report = await ledger.export_ledger(
        runtime.session_factory,
        runtime.cipher,
        get_translator(),
        path,
        scope=scope_for(LONGHUI),
        period=Period("2026-01", "2026-06"),
        full=True,
        actor="test",
        tz="Asia/Shanghai",
    )
    assert (report.people, report.cases, report.jobs) == (200, 10, 12)
    book = load_workbook(path, read_only=False)
    assert book.sheetnames == ["人员台账", "月度状态", "帮扶清单", "就业清单"]
    people, months = book["人员台账"], book["月度状态"]
    assert people.max_row == 201 and people.freeze_panes == "A2"
    header = [c.value for c in months[1]]
    assert header[:3] == ["台账编号", "姓名", "户籍地"] and header[3:] == [
        f"2026-{m:02d}" for m in range(1, 7)
    ]
    first = [c.value for c in months[2]]
    assert first[3:] == ["未答"] * 6  # g0
    full_phone = [c.value for c in people[2]][3]
    assert full_phone == "13800000000"  # --full: unmasked
    assert book["帮扶清单"].max_row == 11 and book["就业清单"].max_row == 13
    async with runtime.session_factory() as session:
        actions = list(await session.scalars(select(AuditLog.action)))
    assert "ledger.export_full" in actions


async def test_ledger_csv_is_masked_and_lists_months(county, runtime: Runtime, tmp_path: Path):
    path = tmp_path / "ledger.csv"
    report = await ledger.export_ledger(
        runtime.session_factory,
        runtime.cipher,
        get_translator(),
        path,
        scope=scope_for("湖南"),
        period=Period("2026-05", "2026-06"),
        full=False,
        actor="test",
        tz="Asia/Shanghai",
    )
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 206 and rows[0][-2:] == ["2026-05", "2026-06"]
    assert all("****" in row[3] for row in rows[1:])
    kinds = {row[1] for row in rows[1:]}
    assert kinds == {"雨露计划学生", "新成长劳动力", "自行登记"}
    assert [p.name for p in report.paths] == [
        "ledger.csv",
        "ledger-帮扶清单.csv",
        "ledger-就业清单.csv",
    ]


def _yulu(runtime: Runtime, tmp_path: Path, *args: str) -> str:
    from yulu.cli import app

    settings = runtime.settings
    env = {
        "YULU_CONFIG": str(tmp_path / "no-config.yml"),
        "YULU_DATABASE_URL": settings.database_url,
        "YULU_SECRET_KEY": settings.secret_key.get_secret_value(),
    }
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_cli_new_labour_roster_key_counties_and_the_enrollment_preview(
    runtime: Runtime, tmp_path: Path
) -> None:
    year = date.today().year
    roster_file = tmp_path / "labour.csv"
    header = ["姓名", "身份证号", "学校", "学历层次", "毕业年份", "户籍地", "家庭类型", "入读意愿"]
    with table_writer(roster_file, header) as write:
        for j in range(3):
            write(
                [
                    f"新生{chr(0x4E00 + j)}",
                    demo_id_number("20100101", j),
                    "隆回二中",
                    "初中",
                    str(year),
                    "隆回",
                    "监测对象",
                    "考虑中",
                ]
            )
        write(
            [
                "新生乙",
                demo_id_number("20100101", 9),
                "隆回二中",
                "小学",
                str(year),
                "隆回",
                "监测对象",
                "",
            ]
        )
    counties = tmp_path / "key.csv"
    with table_writer(counties, ["省", "县"]) as write:
        write(["湖南省", "隆回县"])
        write(["湖南省", "不存在县"])

    def run() -> tuple[str, str, str, str, str, str]:
        imported = _yulu(
            runtime, tmp_path, "import", "roster", str(roster_file), "--kind", "new-labour"
        )
        regions = _yulu(runtime, tmp_path, "regions", "key-counties", str(counties))
        preview = _yulu(runtime, tmp_path, "campaign", "preview", "enrollment")
        summary = _yulu(runtime, tmp_path, "report", "summary", "--by", "key_county", "--csv")
        exported = _yulu(runtime, tmp_path, "ledger", "export", str(tmp_path / "l.xlsx"))
        tracer = _yulu(runtime, tmp_path, "report", "tracer", "--cohort", str(year), "--csv")
        return imported, regions, preview, summary, exported, tracer

    imported, regions, preview, summary, exported, tracer = await asyncio.to_thread(run)
    assert "新增 3 行" in imported and "新成长劳动力 3 行" in imported
    assert "第 5 行：新成长劳动力的学历层次应为 初中 或 高中" in imported
    assert "1 个县" in regions and "不存在县" in regions
    assert "对象 3 人" in preview and "需干部联系 3 人" in preview
    table = list(csv.reader(summary.splitlines()))
    assert table[0][:2] == ["分组", "台账人数"] and table[1][:3] == ["是", "3", "3"]
    assert "台账已导出：3 人" in exported
    assert tracer.splitlines()[0] == "毕业年份,毕业后月数,月份,应答人数,就业率,稳定就业占比"

"""The console's pages do what the CLI and the bot do, through the same services."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from conftest import World, csrf_of, sign_in
from sqlalchemy import select

from yulu.services.context import Runtime
from yulu.storage.models import AuditLog, Case, CaseEvent, CaseStatus, OutboxMessage
from yulu.storage.postings import Posting

pytestmark = pytest.mark.integration


@pytest.fixture
def backend() -> str:
    """The pages run on SQLite: the services under them are tested on both backends, and the
    console's own queries (scope, search, sign-in) by the security tests on both."""
    return "sqlite"


async def _finished(client: TestClient, location: str) -> str:
    """The import page once its job is done (the page refreshes itself meanwhile)."""
    for _ in range(100):
        body = await (await client.get(location)).text()
        if 'http-equiv="refresh"' not in body:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError("import did not finish")


async def test_postings_upload_reports_bad_rows_by_number(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    csrf = await sign_in(client, runtime, "13900000000")
    rows = [
        "单位名称,单位性质,岗位名称,岗位类型,工作地点,专业要求,学历要求,截止日期,报名方式",
        "中国铁路广州局,央企,动车组机械师,全职,广州,不限,不限,长期,官网报名",
        "某厂,民企,普工,临时工,深圳,不限,不限,长期,电话报名",
    ]
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("kind", "postings")
    form.add_field("file", "\n".join(rows).encode(), filename="岗位.csv")
    response = await client.post("/import", data=form, allow_redirects=False)
    assert response.status == 303
    body = await _finished(client, response.headers["Location"])
    assert "导入完成" in body and "<td class=\"num\">3</td>" in body and "岗位类型应为" in body
    async with runtime.session_factory() as session:
        assert [p.title for p in (await session.scalars(select(Posting))).all()] == ["动车组机械师"]
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "posting.import"))
        assert audit.actor == f"web:cadre:{world.county_admin}:赵主任"


async def test_a_cadre_may_not_import(client: TestClient, runtime: Runtime, world: World) -> None:
    csrf = await sign_in(client, runtime, "13900000001")
    assert (await client.get("/import")).status == 403
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("kind", "roster")
    form.add_field("file", b"x", filename="a.csv")
    assert (await client.post("/import", data=form)).status == 403


async def test_note_and_hand_over_follow_the_telegram_rules(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    csrf = await sign_in(client, runtime, "13900000001")  # 王书记 owns case_a
    note = await client.post(
        f"/cases/{world.case_a}/note", data={"csrf": csrf, "note": "已电话联系"}
    )
    assert "已电话联系" in await note.text()
    # 转交 only to a bound cadre of the graduate's region: 李干部 works in 新化, not 隆回.
    refused = await client.post(
        f"/cases/{world.case_a}/handover", data={"csrf": csrf, "phone": "13900000002"}
    )
    assert refused.status == 404
    handed = await client.post(
        f"/cases/{world.case_a}/handover", data={"csrf": csrf, "phone": "13900000000"}
    )
    assert handed.status == 200 and handed.url.path == "/cases"
    async with runtime.session_factory() as session:
        case = await session.get(Case, world.case_a)
        assert case.cadre_id == world.county_admin and case.status is CaseStatus.OPEN
        events = (await session.scalars(select(CaseEvent.action))).all()
        assert {"note", "handed_over"} <= set(events)
        alert = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == 2003))
        assert alert is not None and "责任人：赵主任" in alert.text  # the new owner is alerted
    # 王书记 no longer owns it: it has left his inbox, and he may not act on it.
    assert (await client.get(f"/cases/{world.case_a}")).status == 403
    assert (await client.post(f"/cases/{world.case_a}/ack", data={"csrf": csrf})).status == 403
    await client.post("/logout", data={"csrf": csrf})
    csrf = await sign_in(client, runtime, "13900000000")  # the new owner acts
    assert 'id="ack"' in await (await client.get(f"/cases/{world.case_a}")).text()
    acked = await client.post(f"/cases/{world.case_a}/ack", data={"csrf": csrf})
    assert "已受理" in await acked.text()


async def test_export_is_the_current_filter_masked_and_audited(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    await sign_in(client, runtime, "13900000000")
    response = await client.get("/people/export?name=李")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "手机号"] and [r[0] for r in rows[1:]] == ["李小红"]
    assert rows[1][1] == "135****1001"
    async with runtime.session_factory() as session:
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "graduate.export"))
    assert audit.detail["rows"] == 1 and audit.detail["filter"] == {"name": "李"}


async def test_the_county_ledger_download_is_the_ledger_service_masked(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    from openpyxl import load_workbook

    await sign_in(client, runtime, "13900000001")
    assert (await client.get("/people/ledger.xlsx")).status == 403  # a cadre: own people only
    await client.post("/logout", data={"csrf": csrf_of(await (await client.get("/")).text())})
    await sign_in(client, runtime, "13900000000")
    response = await client.get("/people/ledger.xlsx")
    assert response.status == 200
    book = load_workbook(io.BytesIO(await response.read()), read_only=True)
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "李小红" in cells and "张伟" not in cells and "135****1001" in cells
    assert "13500001001" not in cells


async def test_search_finds_roster_people_who_have_not_signed_up(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    from yulu.services.demo import load_demo

    await load_demo(runtime)  # roster: 李小红 13800138000, 张伟, 王芳 (隆回), none signed up
    csrf = await sign_in(client, runtime, "13900000000")
    found = await client.post("/people/search", data={"q": "13800138002", "csrf": csrf})
    body = await found.text()
    assert "<td>王芳</td>" in body and "138****8002" in body and "13800138002" not in body
    assert "名单中尚未登记" in body and "张伟" not in body
    await client.post("/logout", data={"csrf": csrf})
    csrf = await sign_in(client, runtime, "13900000001")  # a cadre: own graduates only
    mine = await client.post("/people/search", data={"q": "王芳", "csrf": csrf})
    assert "名单中尚未登记" not in await mine.text() and "<td>王芳</td>" not in await mine.text()


async def test_campaign_preview_sends_nothing_and_run_enqueues_once(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    csrf = await sign_in(client, runtime, "13900000000")
    preview = await (await client.get("/campaigns/graduation?preview=1")).text()
    assert "受众共 2 人" in preview
    async with runtime.session_factory() as session:
        assert (await session.scalars(select(OutboxMessage))).all() == []
    ran = await client.post("/campaigns/graduation/run", data={"csrf": csrf})
    assert "本次新加入发送队列 2 条" in await ran.text()
    again = await client.post("/campaigns/graduation/run", data={"csrf": csrf})
    assert "本次新加入发送队列 0 条" in await again.text()
    status = await (await client.get("/campaigns/graduation")).text()
    assert "待发送" in status

"""The console's security: scope on every request, CSRF, one-time links, code lock-out, no full
numbers on any page or log line unless revealed on the record."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from conftest import ID_A, World, csrf_of, login_link, sign_in
from sqlalchemy import select, update

from yulu.services import audit
from yulu.services.context import Runtime
from yulu.storage.models import (
    AuditLog,
    CadreInvite,
    Case,
    CaseEvent,
    CaseStatus,
    ConversationState,
    OutboxMessage,
)

pytestmark = pytest.mark.integration


async def test_a_cadre_cannot_open_another_countys_person_or_case(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    csrf = await sign_in(client, runtime, "13900000001")  # 王书记, 隆回
    assert (await client.get(f"/people/{world.graduate_a}")).status == 200
    assert (await client.get(f"/cases/{world.case_a}")).status == 200
    for path in (f"/people/{world.graduate_b}", f"/cases/{world.case_b}"):
        response = await client.get(path)
        assert response.status == 403 and "张伟" not in await response.text()
    for path in (f"/people/{world.graduate_b}/reveal", f"/cases/{world.case_b}/ack"):
        assert (await client.post(path, data={"csrf": csrf})).status == 403
    async with runtime.session_factory() as session:
        assert (await session.get(Case, world.case_b)).status is CaseStatus.OPEN
    listing = await (await client.get("/people")).text()
    assert "李小红" in listing and "张伟" not in listing
    inbox = await (await client.get("/cases?status=all")).text()
    assert f"#{world.case_a} " in inbox and f"#{world.case_b} " not in inbox
    assert (await client.get("/audit")).status == 403  # administrators only


async def test_county_admin_sees_the_county_and_city_admin_only_escalations(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    await sign_in(client, runtime, "13900000000")  # 赵主任, 隆回 administrator
    assert (await client.get(f"/cases/{world.case_a}")).status == 200
    assert (await client.get(f"/people/{world.graduate_b}")).status == 403
    await client.post("/logout", data={"csrf": csrf_of(await (await client.get("/")).text())})
    await sign_in(client, runtime, "13900000009")  # 钱处长, 邵阳市: aggregates only
    assert (await client.get(f"/cases/{world.case_a}")).status == 403
    dashboard = await (await client.get("/")).text()
    assert "<svg" in dashboard and "钱处长" in dashboard
    async with runtime.session_factory.begin() as session:  # the chain climbs to him
        note = f"cadre:{world.city_admin}"
        session.add(CaseEvent(case_id=world.case_a, actor="system", action="escalated", note=note))
    assert (await client.get(f"/cases/{world.case_a}")).status == 200
    assert (await client.get(f"/people/{world.graduate_a}")).status == 200
    assert (await client.get(f"/cases/{world.case_b}")).status == 403


async def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    csrf = await sign_in(client, runtime, "13900000001")
    for data in ({}, {"csrf": "forged"}):
        assert (await client.post(f"/cases/{world.case_a}/ack", data=data)).status == 403
    async with runtime.session_factory() as session:
        assert (await session.get(Case, world.case_a)).status is CaseStatus.OPEN
    response = await client.post(f"/cases/{world.case_a}/ack", data={"csrf": csrf})
    assert response.status == 200 and "已受理" in await response.text()
    twice = await client.post(f"/cases/{world.case_a}/ack", data={"csrf": csrf})  # a double tap
    assert twice.status == 200 and "状态已经变了" in await twice.text()
    # Before sign-in as well: the phone form needs the visitor cookie's token.
    client.session.cookie_jar.clear()
    assert (await client.post("/login", data={"phone": "13900000001"})).status == 403


async def test_a_used_or_expired_login_link_is_refused(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    token = await login_link(runtime, "13900000001")
    page = await client.get(f"/login/link/{token}")
    csrf = csrf_of(await page.text())
    assert (await client.post(f"/login/link/{token}", data={"csrf": csrf})).status == 200
    client.session.cookie_jar.clear()
    page = await client.get(f"/login/link/{token}")
    again = await client.post(f"/login/link/{token}", data={"csrf": csrf_of(await page.text())})
    assert again.status == 403 and "无效" in await again.text()
    old = await login_link(runtime, "13900000001")
    async with runtime.session_factory.begin() as session:
        await session.execute(
            update(CadreInvite).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    client.session.cookie_jar.clear()
    page = await client.get(f"/login/link/{old}")
    late = await client.post(f"/login/link/{old}", data={"csrf": csrf_of(await page.text())})
    assert late.status == 403
    assert (await client.get("/", allow_redirects=False)).status == 303  # not signed in


async def _code_sent_to(runtime: Runtime, chat_id: int) -> str:
    async with runtime.session_factory() as session:
        text = await session.scalar(
            select(OutboxMessage.text)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.kind == "login_code")
            .order_by(OutboxMessage.id.desc())
        )
    return re.search(r"\d{6}", text).group(0)


async def test_six_wrong_codes_lock_the_number(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    form = await client.get("/login")
    sent = await client.post(
        "/login", data={"phone": "13900000001", "csrf": csrf_of(await form.text())}
    )
    assert sent.status == 200
    code = await _code_sent_to(runtime, 2001)
    csrf = csrf_of(await sent.text())
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for attempt in range(6):
        response = await client.post(
            "/login/code", data={"phone": "13900000001", "code": wrong, "csrf": csrf}
        )
        assert response.status == (400 if attempt < 5 else 429)
    right = await client.post(
        "/login/code", data={"phone": "13900000001", "code": code, "csrf": csrf}
    )
    assert right.status == 429 and "锁定" in await right.text()
    assert (await client.get("/", allow_redirects=False)).status == 303
    # "For a while": once web.lockout_minutes have passed, the right code works again.
    async with runtime.session_factory.begin() as session:
        past = datetime.now(UTC) - timedelta(minutes=runtime.settings.web.lockout_minutes + 1)
        await session.execute(
            update(AuditLog).where(AuditLog.action == "web.code_failed").values(at=past)
        )
    later = await client.post(
        "/login/code", data={"phone": "13900000001", "code": code, "csrf": csrf}
    )
    assert later.status == 200 and "王书记" in await later.text()
    await client.post("/logout", data={"csrf": csrf_of(await later.text())})
    # Another number is not affected; a code for it still signs in.
    form = await client.get("/login")
    await client.post("/login", data={"phone": "13900000002", "csrf": csrf_of(await form.text())})
    ok = await client.post(
        "/login/code",
        data={"phone": "13900000002", "code": await _code_sent_to(runtime, 2002), "csrf": csrf},
    )
    assert ok.status == 200 and "李干部" in await ok.text()


async def test_code_requests_are_rate_limited_and_do_not_tell_who_is_staff(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    csrf = csrf_of(await (await client.get("/login")).text())
    first = await client.post("/login", data={"phone": "13900000001", "csrf": csrf})
    again = await client.post("/login", data={"phone": "13900000001", "csrf": csrf})
    assert "验证码已发送" in await first.text() and "一分钟后再试" in await again.text()
    stranger = await client.post("/login", data={"phone": "13911112222", "csrf": csrf})
    assert "验证码已发送" in await stranger.text()  # the same answer for a number that is not staff
    async with runtime.session_factory() as session:
        codes = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "login_code"))
        ).all()
    assert [m.chat_id for m in codes] == [2001]


async def test_no_page_or_log_shows_a_full_number_unless_revealed(
    client: TestClient, runtime: Runtime, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    full_phone, full_id = "13500001001", ID_A
    csrf = await sign_in(client, runtime, "13900000000")
    pages = ["/", "/cases?status=all", f"/cases/{world.case_a}", "/people",
             f"/people/{world.graduate_a}", "/audit", "/people/export"]  # fmt: skip
    searched = await client.post("/people/search", data={"q": full_phone, "csrf": csrf})
    assert "李小红" in await searched.text() and full_phone not in str(searched.url)
    by_id = await client.post("/people/search", data={"q": full_id, "csrf": csrf})
    assert "李小红" in await by_id.text() and full_id not in str(by_id.url)
    for path in pages:
        body = await (await client.get(path)).text()
        assert full_phone not in body and full_id not in body, path
        assert "135****1001" in body or path in ("/", "/audit")
    revealed = await (
        await client.post(f"/people/{world.graduate_a}/reveal", data={"csrf": csrf})
    ).text()
    assert full_phone in revealed and full_id in revealed
    assert full_phone not in caplog.text and full_id not in caplog.text
    async with runtime.session_factory() as session:
        rows = (await session.scalars(select(AuditLog))).all()
    views = [r for r in rows if r.action == "graduate.view_full"]
    assert [(r.actor, r.subject) for r in views] == [
        (f"web:cadre:{world.county_admin}:赵主任", f"graduate:{world.graduate_a}")
    ]
    assert {"graduate.view", "graduate.export", "case.view"} <= {r.action for r in rows}
    assert not any(full_phone in f"{r.subject} {r.detail}" for r in rows)
    assert not any(full_id in f"{r.subject} {r.detail}" for r in rows)


async def test_session_cookie_is_httponly_samesite_secure_over_https_and_ends_when_idle(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    token = await login_link(runtime, "13900000001")
    page = await client.get(f"/login/link/{token}")
    response = await client.post(
        f"/login/link/{token}",
        data={"csrf": csrf_of(await page.text())},
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
    )
    cookie = response.cookies["yulu_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]
    assert "13900000001" not in cookie.value
    assert (await client.get("/cases")).status == 200
    async with runtime.session_factory.begin() as session:
        idle = datetime.now(UTC) - timedelta(minutes=runtime.settings.web.idle_timeout_minutes + 1)
        await session.execute(
            update(ConversationState)
            .where(ConversationState.key.startswith("web-session:"))
            .values(updated_at=idle)
        )
    assert (await client.get("/cases", allow_redirects=False)).status == 303
    # Sign-out removes the session on the server: the old cookie is worthless.
    csrf = await sign_in(client, runtime, "13900000001")
    kept = client.session.cookie_jar.filter_cookies(client.make_url("/"))["yulu_session"].value
    await client.post("/logout", data={"csrf": csrf})
    client.session.cookie_jar.update_cookies({"yulu_session": kept})
    assert (await client.get("/cases", allow_redirects=False)).status == 303


async def test_audit_page_shows_only_the_administrators_region(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    """隆回's administrator sees what was done to 隆回's people and by 隆回's staff, nothing of
    新化's (a graduate viewed, a case acted on, a cadre bound, a console sign-in there) nor an
    operator's file import; 邵阳市's administrator sees 隆回's too (新化 is in 娄底市)."""
    async with runtime.session_factory.begin() as session:
        for side, graduate, case, cadre in (
            ("a", world.graduate_a, world.case_a, world.cadre_a),
            ("b", world.graduate_b, world.case_b, world.cadre_b),
        ):
            log = {"session": session}
            audit.record(
                **log, actor="ops", action="graduate.view_full", subject=f"graduate:{graduate}"
            )
            audit.record(**log, actor=f"cadre:{cadre}", action="case.ack", subject=f"case:{case}")
            audit.record(**log, actor=f"tg:{cadre}", action="cadre.bind", subject=f"cadre:{cadre}")
            audit.record(**log, actor=f"web:cadre:{cadre}:某人", action="web.signout", side=side)
        audit.record(session, actor="ops", action="roster.import", subject="全省名单.xlsx")
    await sign_in(client, runtime, "13900000000")  # 赵主任, 隆回 administrator
    page = await (await client.get("/audit")).text()
    for subject in (
        f"graduate:{world.graduate_a}",
        f"case:{world.case_a}",
        f"cadre:{world.cadre_a}",
    ):
        assert subject in page
    assert "side=a" in page
    for subject in (
        f"graduate:{world.graduate_b}",
        f"case:{world.case_b}",
        f"cadre:{world.cadre_b}",
    ):
        assert subject not in page
    assert "side=b" not in page and "全省名单" not in page
    await client.post("/logout", data={"csrf": csrf_of(await (await client.get("/")).text())})
    await sign_in(client, runtime, "13900000009")  # 钱处长, 邵阳市 administrator
    page = await (await client.get("/audit")).text()
    assert f"case:{world.case_a}" in page and "side=a" in page  # 隆回 lies in 邵阳市
    assert f"case:{world.case_b}" not in page and "side=b" not in page  # 新化 in 娄底市
    assert "全省名单" not in page

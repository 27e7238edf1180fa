"""The console on a real database (SQLite and PostgreSQL), driven by aiohttp's test client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from factories import graduate

from yulu.core.config import Settings
from yulu.services import cadres, places
from yulu.services.context import Runtime
from yulu.services.demo import demo_id_number
from yulu.storage.models import CadreRole, Case, CaseReason
from yulu.web import auth, create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ID_A = demo_id_number("20050312", 1)  # 李小红's ID number


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Test settings: no quiet hours (sign-in codes and case notices go out at once)."""
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-0123456789",
        nlu={"model_dir": str(tmp_path / "nlu")},
        outbox={"quiet_start": "00:00", "quiet_end": "00:00", "poll_interval_seconds": 0.1},
    )


@dataclass
class World:
    """Two counties, each with a cadre and a graduate with a case; admins above them."""

    cadre_a: int  # 王书记, 隆回县, Telegram 2001
    cadre_b: int  # 李干部, 新化县, Telegram 2002
    county_admin: int  # 赵主任, 隆回县 administrator, Telegram 2003
    city_admin: int  # 钱处长, 邵阳市 administrator
    graduate_a: int  # 李小红 (隆回), phone 13500001001
    graduate_b: int  # 张伟 (新化), phone 13500001002
    case_a: int
    case_b: int


async def build_world(runtime: Runtime) -> World:
    cipher = runtime.cipher
    async with runtime.session_factory.begin() as session:
        add = cadres.add_cadre
        admin = await add(session, cipher, name="赵主任", phone="13900000000", region="隆回",
                          role=CadreRole.ADMIN)  # fmt: skip
        city = await add(session, cipher, name="钱处长", phone="13900000009", region="邵阳市",
                         role=CadreRole.ADMIN)  # fmt: skip
        a = await add(session, cipher, name="王书记", phone="13900000001", region="隆回",
                      supervisor_phone="13900000000")  # fmt: skip
        b = await add(session, cipher, name="李干部", phone="13900000002", region="新化")
        a.telegram_user_id, b.telegram_user_id, admin.telegram_user_id = 2001, 2002, 2003
        longhui = await places.region_for(session, places.county("隆回"))
        xinhua = await places.region_for(session, places.county("新化"))
        await session.flush()
        ga = graduate(cipher, user_id=1001, region_id=longhui.id, cadre_id=a.id, name="李小红")
        ga.id_number_enc, ga.id_number_hash = cipher.encrypt(ID_A), cipher.lookup_hash(ID_A)
        gb = graduate(cipher, user_id=1002, region_id=xinhua.id, cadre_id=b.id, name="张伟")
        session.add_all([ga, gb])
        await session.flush()
        ca = Case(graduate_id=ga.id, cadre_id=a.id, reason=CaseReason.LOST_JOB)
        cb = Case(graduate_id=gb.id, cadre_id=b.id, reason=CaseReason.ASKED_HUMAN)
        session.add_all([ca, cb])
        await session.flush()
        return World(a.id, b.id, admin.id, city.id, ga.id, gb.id, ca.id, cb.id)


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await build_world(runtime)


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(runtime, demo=True))) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


async def login_link(runtime: Runtime, phone: str) -> str:
    """A fresh one-time sign-in token, as `yulu web login-link PHONE` makes it."""
    async with runtime.session_factory.begin() as session:
        token, _ = await auth.issue_link(
            session, runtime.cipher, phone=phone, web=runtime.settings.web, actor="test"
        )
        return token


async def sign_in(client: TestClient, runtime: Runtime, phone: str) -> str:
    """Sign in through a login link like a person (open it, press the button); returns the
    session's CSRF token."""
    token = await login_link(runtime, phone)
    page = await client.get(f"/login/link/{token}")
    response = await client.post(f"/login/link/{token}", data={"csrf": csrf_of(await page.text())})
    assert response.status == 200 and str(response.url).endswith("/"), await response.text()
    return csrf_of(await response.text())

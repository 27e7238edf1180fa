"""`yulu web login-link PHONE` prints a link that signs the staff member in once."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiohttp.test_utils import TestClient
from conftest import World, csrf_of
from typer.testing import CliRunner

from yulu.cli import app
from yulu.services.context import Runtime

pytestmark = pytest.mark.integration


@pytest.fixture
def backend() -> str:
    """SQLite: the command's store is the same code path on both backends (security tests)."""
    return "sqlite"


async def test_login_link_from_the_command_line(
    client: TestClient, runtime: Runtime, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YULU_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("YULU_SECRET_KEY", runtime.settings.secret_key.get_secret_value())
    runner = CliRunner()  # the command runs its own event loop: off this one
    result = await asyncio.to_thread(runner.invoke, app, ["web", "login-link", "139 0000 0001"])
    assert result.exit_code == 0, result.output
    assert "王书记" in result.output and "10 分钟内有效" in result.output
    token = re.search(r"/login/link/(\S+)", result.output).group(1)
    page = await client.get(f"/login/link/{token}")
    signed = await client.post(f"/login/link/{token}", data={"csrf": csrf_of(await page.text())})
    assert "王书记" in await signed.text()
    unknown = await asyncio.to_thread(runner.invoke, app, ["web", "login-link", "13911112222"])
    assert unknown.exit_code == 1 and "没有这个手机号" in unknown.output

"""Migrations are the only way the schema changes: they must build exactly the models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from dbutil import fresh_database

from yulu.storage.engine import create_engine
from yulu.storage.migrate import head_revision
from yulu.storage.models import Base

pytestmark = pytest.mark.integration


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await engine.dispose()
    assert diff == []


def test_db_upgrade_command_on_an_empty_database(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path, migrated=False) as url:
        env = {"YULU_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
        before = _yulu(["db", "current"], env, tmp_path)
        assert "empty database" in before
        _yulu(["db", "upgrade"], env, tmp_path)
        after = _yulu(["db", "current"], env, tmp_path)
        assert f"current: {head_revision()}" in after and "up to date" in after


def _yulu(args: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "yulu", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout

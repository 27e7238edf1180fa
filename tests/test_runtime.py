"""`yulu run` refuses to start when it cannot run safely (yulu.runtime), before serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yulu.cli import app


def test_production_refuses_to_start_without_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was an e2e test running `yulu run` as a process; the same command, in-process."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("YULU_SECRET_KEY", raising=False)
    env = {
        "YULU_CONFIG": str(tmp_path / "none.yml"),
        "YULU_ENV": "production",
        "YULU_DATABASE_URL": f"sqlite:///{tmp_path}/y.db",
    }
    result = CliRunner().invoke(app, ["run"], env=env)
    assert result.exit_code != 0 and "YULU_SECRET_KEY" in result.stderr
    assert not (tmp_path / "y.db").exists()  # refused before touching the store

"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL.

The schema is migrated once per backend per session (tests/dbutil.py); each test gets a copy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from dbutil import BACKENDS, Templates

from yulu.core.config import Settings
from yulu.sandbox import BotApiSandbox
from yulu.services.context import Runtime, open_runtime


@pytest.fixture(scope="session")
def nlu_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One NLU model, trained once, for every bot of the run (in-process or a `yulu run`
    process): a bot then loads it in a fraction of a second instead of training its own."""
    from yulu.core.config import NluSettings
    from yulu.nlu import build_nlu

    folder = tmp_path_factory.mktemp("nlu-model")
    build_nlu(NluSettings(model_dir=str(folder)))
    return folder


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The migrated schema, once per backend for the whole session."""
    templates = Templates(tmp_path_factory.mktemp("template"))
    yield templates
    templates.close()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, database_templates: Templates) -> Iterator[str]:
    """A database of this test's own on each backend: migrated, empty."""
    with database_templates.copy(backend, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database and a key beside it."""
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-0123456789",
        nlu={"model_dir": str(tmp_path / "nlu")},
    )


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Engine, sessions and cipher on the test database."""
    async with open_runtime(settings) as opened:
        yield opened


@pytest.fixture
async def sandbox() -> AsyncIterator[BotApiSandbox]:
    """An in-process Bot API sandbox on a free port."""
    server = BotApiSandbox(port=0)
    await server.start()
    yield server
    await server.stop()

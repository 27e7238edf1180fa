"""End-to-end fixtures: the real bot process against the sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dbutil import BACKENDS, fresh_database
from e2e_harness import BotProcess, Chat

_user_ids = itertools.count(10_000)


@pytest.fixture(scope="session")
def nlu_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trained NLU model for every bot process of the run."""
    return tmp_path_factory.mktemp("nlu-model")


def bot_env(database_url: str, nlu_model_dir: Path) -> dict[str, str]:
    return {
        "YULU_DATABASE_URL": database_url,
        "YULU_NLU_MODEL_DIR": str(nlu_model_dir),
        "YULU_SECRET_KEY": "e2e-secret-key-0123456789",
        # tests run at any hour: no quiet hours; quick pick-up and quick lease expiry
        "YULU_OUTBOX_QUIET_START": "00:00",
        "YULU_OUTBOX_QUIET_END": "00:00",
        "YULU_OUTBOX_POLL_INTERVAL_SECONDS": "0.3",
        "YULU_OUTBOX_LEASE_SECONDS": "5",
        # no job may fire on its own mid-test (a run crossing 09:00 on a Monday would match)
        "YULU_SCHEDULER_ENABLED": "false",
    }


@pytest.fixture
def start_bot(
    database_url: str, nlu_model_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., BotProcess]]:
    """Start (and at the end stop) `yulu run` processes on the test database."""
    started: list[BotProcess] = []

    def start(
        *args: str,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
        wait: str = "polling",
    ) -> BotProcess:
        env = {**bot_env(database_url, nlu_model_dir), **(extra_env or {})}
        ready_url = env.get("YULU_TELEGRAM_API_BASE", "")
        process = BotProcess(workdir=tmp_path, env=env, args=args, ready_url=ready_url, wait=wait)
        if port is not None:
            process.port = port
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def bot(
    request: pytest.FixtureRequest, nlu_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    """One running bot per backend, with the demo data, shared by the journey tests.

    Tests keep out of each other's way by talking as distinct users.
    """
    folder = tmp_path_factory.mktemp(f"bot-{request.param}")
    with fresh_database(request.param, folder) as url:
        process = BotProcess(workdir=folder, env=bot_env(url, nlu_model_dir), args=("--demo",))
        process.start()
        process.database_url = url
        yield process
        process.stop()


@pytest.fixture
def new_chat(bot: BotProcess) -> Callable[..., Chat]:
    """A fresh Telegram user in the sandbox."""

    def make(first_name: str = "小李") -> Chat:
        return Chat(bot.url, next(_user_ids), first_name)

    return make

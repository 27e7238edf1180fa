"""End-to-end fixtures: real `yulu run` processes against a Bot API sandbox, on both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_harness import BotProcess, run_sandbox


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
        "YULU_WEB_ENABLED": "false",  # the staff console has tests of its own (tests/web)
    }


@pytest.fixture
def start_bot(
    database_url: str, nlu_model_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., BotProcess]]:
    """Start (and at the end stop) `yulu run` processes on the test database."""
    started: list[BotProcess] = []

    def start(
        *args: str, extra_env: dict[str, str] | None = None, wait: str = "polling"
    ) -> BotProcess:
        env = {**bot_env(database_url, nlu_model_dir), **(extra_env or {})}
        ready_url = env.get("YULU_TELEGRAM_API_BASE", "")
        process = BotProcess(workdir=tmp_path, env=env, args=args, ready_url=ready_url, wait=wait)
        process.database_url = database_url
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.ensure_stopped()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[str]:
    """A Bot API sandbox that outlives the bot processes (so kills lose no record)."""
    yield from run_sandbox(tmp_path)

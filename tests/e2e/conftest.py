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
) -> Iterator[Callable[..., list[BotProcess]]]:
    """Start `yulu run` processes on the test database, one per environment given, all at
    once (they start in parallel), and stop them at the end."""
    started: list[BotProcess] = []

    def start(*extra_envs: dict[str, str]) -> list[BotProcess]:
        processes = []
        for extra_env in extra_envs:
            env = {**bot_env(database_url, nlu_model_dir), **extra_env}
            worker = env.get("YULU_TELEGRAM_HANDLE_UPDATES") == "false"
            process = BotProcess(
                workdir=tmp_path,
                env=env,
                ready_url=env.get("YULU_TELEGRAM_API_BASE", ""),
                wait="worker" if worker else "polling",
                database_url=database_url,
            )
            process.launch()
            processes.append(process)
        started.extend(processes)
        for process in processes:
            process.wait_ready()
        return processes

    yield start
    for process in started:
        process.ensure_stopped()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[str]:
    """A Bot API sandbox that outlives the bot processes (so kills lose no record)."""
    yield from run_sandbox(tmp_path)

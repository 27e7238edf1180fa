"""Journey fixtures: the real dispatcher against an in-process sandbox (tests/journey.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from journey import Journey

from yulu.bot.app import create_bot
from yulu.core.config import SANDBOX_TOKEN, Settings
from yulu.sandbox import BotApiSandbox
from yulu.services.context import Runtime
from yulu.services.demo import load_demo


@pytest.fixture
def settings(database_url: str, nlu_model_dir: Path) -> Settings:
    """As the shared fixture, with the NLU model trained once for the session."""
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-0123456789",
        nlu={"model_dir": str(nlu_model_dir)},
    )


@pytest.fixture
async def journey(
    runtime: Runtime, sandbox: BotApiSandbox, tmp_path: Path
) -> AsyncIterator[Journey]:
    """The bot as `yulu run` wires it, on this test's database, without the demo data."""
    bot: Bot = create_bot(SANDBOX_TOKEN, sandbox.url)
    journey = Journey(runtime, sandbox, bot, workdir=tmp_path)
    yield journey
    await journey.close()
    await bot.session.close()


@pytest.fixture
async def demo(journey: Journey) -> Journey:
    """The bot with `yulu run --demo`'s data: 王书记 (user 2001) and a small roster."""
    await load_demo(journey.runtime)
    return journey

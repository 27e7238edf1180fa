"""Scheduled housekeeping: the dedupe ledger and the console's sessions do not grow forever."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from yulu.core.i18n import get_translator
from yulu.services.context import Runtime
from yulu.services.scheduled import configured_jobs, job_functions
from yulu.storage.console import SESSION_PREFIX
from yulu.storage.models import ConversationState, ProcessedUpdate
from yulu.storage.updates import claim_update

NOW = datetime(2026, 12, 1, 3, 40, tzinfo=UTC)


async def test_prune_keeps_what_telegram_can_still_redeliver(runtime: Runtime) -> None:
    async with runtime.session_factory.begin() as session:
        for update_id, age in [
            (1, timedelta(days=5)),
            (2, timedelta(hours=49)),
            (3, timedelta(hours=47)),
            (4, timedelta(minutes=1)),
        ]:
            session.add(ProcessedUpdate(bot_id=7, update_id=update_id, processed_at=NOW - age))
    removed = await job_functions(runtime, get_translator())["prune_updates"](NOW)
    assert removed["updates"] == 2
    async with runtime.session_factory() as session:
        kept = (await session.scalars(select(ProcessedUpdate.update_id))).all()
        assert sorted(kept) == [3, 4]
        # An update still inside the window is still recognised as a redelivery.
        assert not await claim_update(session, bot_id=7, update_id=3)
        assert await claim_update(session, bot_id=7, update_id=1)


async def test_prune_runs_daily_without_any_config(runtime: Runtime) -> None:
    jobs = {job.name: job for job in configured_jobs(runtime, get_translator())}
    assert "prune_updates" in jobs and jobs["prune_updates"].period == "day"


async def test_prune_ends_idle_console_sessions_and_keeps_live_ones_and_chats(
    runtime: Runtime,
) -> None:
    """A browser closed without signing out leaves its session row; past the idle timeout
    (`web.idle_timeout_minutes`) it goes. A session in use and a Telegram conversation stay."""
    idle = timedelta(minutes=runtime.settings.web.idle_timeout_minutes)
    async with runtime.session_factory.begin() as session:
        session.add_all(
            [
                ConversationState(
                    key=SESSION_PREFIX + "old", state="web", updated_at=NOW - 2 * idle
                ),
                ConversationState(key=SESSION_PREFIX + "live", state="web", updated_at=NOW),
                ConversationState(key="fsm:1:2:2", state="SignUp:name", updated_at=NOW - 30 * idle),
            ]
        )
    removed = await job_functions(runtime, get_translator())["prune_updates"](NOW)
    assert removed["web_sessions"] == 1
    async with runtime.session_factory() as session:
        kept = sorted((await session.scalars(select(ConversationState.key))).all())
    assert kept == sorted([SESSION_PREFIX + "live", "fsm:1:2:2"])

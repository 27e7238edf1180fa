"""The update dedupe ledger: claimed at once, written at commit, one winner under a race."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from yulu.services.context import Runtime
from yulu.storage.models import ProcessedUpdate
from yulu.storage.updates import AlreadyProcessed, claim_update

pytestmark = pytest.mark.integration


async def test_two_deliveries_of_one_update_have_one_effect(runtime: Runtime) -> None:
    first, second = runtime.session_factory(), runtime.session_factory()
    try:
        assert await claim_update(first, bot_id=1, update_id=42)
        assert await claim_update(second, bot_id=1, update_id=42)  # both past the check
        await first.commit()
        with pytest.raises(AlreadyProcessed):
            await second.commit()  # the later commit, with its effects, does not happen
    finally:
        await first.close()
        await second.close()
    async with runtime.session_factory() as session:
        assert not await claim_update(session, bot_id=1, update_id=42)  # a redelivery later
        count = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert count == 1


async def test_a_rolled_back_update_can_be_processed_again(runtime: Runtime) -> None:
    async with runtime.session_factory() as session:
        assert await claim_update(session, bot_id=1, update_id=7)
        await session.rollback()  # the handler failed: nothing of it stays, not even the claim
        await session.commit()
    async with runtime.session_factory() as session:
        assert await claim_update(session, bot_id=1, update_id=7)

"""The monthly round, set-based: a dry run counts what the run adds, a repeat adds nothing."""

from __future__ import annotations

import pytest
from factories import make_graduates
from sqlalchemy import select

from yulu.core.i18n import get_translator
from yulu.services import checkin
from yulu.services.actions import checkin_choices, to_json
from yulu.services.context import Runtime
from yulu.storage.models import CheckIn, EmploymentStatus, Graduate, OutboxMessage

pytestmark = pytest.mark.integration
PERIOD = "2026-11"


async def _round(runtime: Runtime, *, dry_run: bool = False) -> checkin.RoundReport:
    return await checkin.run_round(
        runtime.session_factory, get_translator(), period=PERIOD, dry_run=dry_run
    )


async def test_dry_run_counts_exactly_what_the_run_adds(runtime: Runtime) -> None:
    t = get_translator()
    ids = await make_graduates(runtime, list(range(40_001, 40_006)), cadre_id=None)
    async with runtime.session_factory.begin() as session:
        (await session.get(Graduate, ids[4])).paused_until = "2027-06"  # away studying
        # One graduate told us this month's status on their own: nothing to ask them.
        session.add(CheckIn(graduate_id=ids[3], period=PERIOD, status=EmploymentStatus.SEEKING))

    dry = await _round(runtime, dry_run=True)
    real = await _round(runtime)
    assert dry.audience == real.audience == real.enqueued == 3
    assert dict(dry.per_county) == dict(real.per_county) == {"湖南省邵阳市隆回县": 3}

    again_dry, again = await _round(runtime, dry_run=True), await _round(runtime)
    assert again_dry.audience == again.audience == again.enqueued == 0  # nobody asked twice

    async with runtime.session_factory() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        graduates = {g.id: g for g in await session.scalars(select(Graduate))}
        asked = set(await session.scalars(select(CheckIn.graduate_id)))
    assert [r.graduate_id for r in rows] == ids[:3] and asked == set(ids[:4])
    for row in rows:  # the database rendered exactly what Python renders
        name = graduates[row.graduate_id].name
        assert row.text == t("checkin-ask", name=name, month=11)
        assert row.idempotency_key == f"checkin:{PERIOD}:{row.graduate_id}"
        assert row.buttons == to_json(checkin_choices(PERIOD))
        assert row.chat_id == graduates[row.graduate_id].chat_id and row.kind == "checkin"


async def test_a_graduate_who_signs_up_later_is_asked_by_the_next_run(runtime: Runtime) -> None:
    await make_graduates(runtime, [41_001], cadre_id=None)
    assert (await _round(runtime)).enqueued == 1
    await make_graduates(runtime, [41_002], cadre_id=None)
    assert (await _round(runtime, dry_run=True)).audience == 1
    assert (await _round(runtime)).enqueued == 1

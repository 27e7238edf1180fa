"""The escalation chain and its climb, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import graduate
from sqlalchemy import select

from yulu.core.errors import InvalidInput, NotAllowed
from yulu.core.i18n import get_translator
from yulu.services import cadres, cases, places
from yulu.services.context import Runtime
from yulu.services.scheduler import Calendar, trigger
from yulu.storage.cases import cases_query
from yulu.storage.models import (
    Cadre,
    CadreRole,
    Case,
    CaseEvent,
    CaseReason,
    Graduate,
    OutboxMessage,
    StaffLevel,
)

pytestmark = pytest.mark.integration
ACK, RESOLVE = timedelta(hours=2), timedelta(days=1)


async def _staff(
    runtime: Runtime,
    *,
    name: str,
    phone: str,
    region: str,
    bound: int | None,
    supervisor: str | None = None,
    admin: bool = False,
) -> int:
    async with runtime.session_factory.begin() as session:
        cadre = await cadres.add_cadre(
            session,
            runtime.cipher,
            name=name,
            phone=phone,
            region=region,
            supervisor_phone=supervisor,
            role=CadreRole.ADMIN if admin else CadreRole.CADRE,
        )
        cadre.telegram_user_id = bound
        return cadre.id


async def _case(runtime: Runtime, *, cadre_id: int | None, county: str = "隆回") -> int:
    async with runtime.session_factory.begin() as session:
        region = await places.region_for(session, places.county(county))
        person = graduate(runtime.cipher, user_id=8800, region_id=region.id, cadre_id=cadre_id)
        session.add(person)
        await session.flush()
        case = await cases.open_case(
            session, runtime.cipher, get_translator(), person, CaseReason.LOST_JOB, actor="system"
        )
        return case.id


async def _recipients(runtime: Runtime) -> list[int]:
    async with runtime.session_factory() as session:
        rows = await session.scalars(select(OutboxMessage.chat_id).order_by(OutboxMessage.id))
        return list(rows)


async def _sla(runtime: Runtime, now: datetime) -> dict[str, int]:
    async with runtime.session_factory.begin() as session:
        return await cases.enforce_sla(
            session, runtime.cipher, get_translator(), ack_sla=ACK, resolve_sla=RESOLVE, now=now
        )


async def _opened(runtime: Runtime, case_id: int) -> datetime:
    async with runtime.session_factory() as session:
        return (await session.get(Case, case_id)).opened_at


async def test_a_case_without_a_cadre_goes_to_its_own_county_never_a_neighbour(
    runtime: Runtime,
) -> None:
    # 邵东's administrator was added first: the old look-up picked any admin in the province.
    await _staff(runtime, name="钱主任", phone="13900000040", region="邵东", bound=9040, admin=True)
    await _staff(runtime, name="赵主任", phone="13900000010", region="隆回", bound=9010, admin=True)
    await _staff(
        runtime, name="周主任", phone="13900000050", region="邵阳市", bound=9050, admin=True
    )
    await _staff(
        runtime, name="吴主任", phone="13900000060", region="湖南省", bound=9060, admin=True
    )
    case_id = await _case(runtime, cadre_id=None)
    opened = await _opened(runtime, case_id)
    for step in range(1, 6):
        await _sla(runtime, opened + step * ACK + timedelta(minutes=step))
    recipients = await _recipients(runtime)
    assert recipients[0] == 9010  # the county administrator owns it
    assert 9040 not in recipients
    assert [r for r in recipients if r != 9010] == [9050, 9060]  # city, then province


async def test_a_case_that_reaches_nobody_is_stuck_until_someone_binds(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    cadre_id = await _staff(
        runtime, name="李书记", phone="13900000030", region="隆回县桃洪镇", bound=None
    )
    admin_id = await _staff(
        runtime, name="赵主任", phone="13900000010", region="隆回", bound=None, admin=True
    )
    case_id = await _case(runtime, cadre_id=cadre_id)
    async with runtime.session_factory() as session:
        stuck = (await session.scalars(cases_query(stuck_only=True))).all()
        events = (await session.scalars(select(CaseEvent.action))).all()
    assert [c.id for c in stuck] == [case_id]
    assert events.count("skipped") == 2 and "stuck" in events
    assert await _recipients(runtime) == []
    with caplog.at_level(logging.WARNING):
        assert await Calendar(runtime.engine, [], tz="Asia/Shanghai").warn_stuck() == 1
    assert any("cases list --stuck" in r.getMessage() for r in caplog.records)  # at start-up

    async with runtime.session_factory.begin() as session:
        (await session.get(Cadre, admin_id)).telegram_user_id = 9010
    await _sla(runtime, datetime.now(UTC))
    assert await _recipients(runtime) == [9010]
    async with runtime.session_factory() as session:
        assert (await session.scalars(cases_query(stuck_only=True))).all() == []


async def test_an_acknowledged_case_not_resolved_in_time_climbs_too(runtime: Runtime) -> None:
    township = await _staff(
        runtime, name="孙镇长", phone="13900000020", region="隆回县桃洪镇", bound=9020
    )
    village = await _staff(
        runtime,
        name="李书记",
        phone="13900000030",
        region="隆回县桃洪镇新村",
        bound=9030,
        supervisor="13900000020",
    )
    case_id = await _case(runtime, cadre_id=village)
    async with runtime.session_factory.begin() as session:
        case = await session.get(Case, case_id)
        await cases.acknowledge(session, case, await session.get(Cadre, village))
        acknowledged = case.acknowledged_at
    await _sla(runtime, acknowledged + ACK * 3)  # well past the ack SLA: nothing (acknowledged)
    assert await _recipients(runtime) == [9030]
    report = await _sla(runtime, acknowledged + RESOLVE + timedelta(minutes=1))
    assert report["reminded"] == 1
    report = await _sla(runtime, acknowledged + 2 * RESOLVE + timedelta(minutes=2))
    assert report["escalated"] == 1
    assert await _recipients(runtime) == [9030, 9030, 9020]
    assert township


async def test_someone_off_the_chain_cannot_act(runtime: Runtime) -> None:
    village = await _staff(
        runtime, name="李书记", phone="13900000030", region="隆回县桃洪镇", bound=9030
    )
    other = await _staff(
        runtime, name="钱主任", phone="13900000040", region="邵东", bound=9040, admin=True
    )
    case_id = await _case(runtime, cadre_id=village)
    async with runtime.session_factory() as session:
        with pytest.raises(NotAllowed):
            await cases.case_for_staff(session, case_id, await session.get(Cadre, other))


async def test_staff_level_follows_from_the_region(runtime: Runtime) -> None:
    async with runtime.session_factory.begin() as session:
        add = cadres.add_cadre

        def person(n: int) -> dict:
            return {"name": f"干部{'甲乙丙丁戊'[n]}", "phone": f"1390000010{n}"}

        village = await add(session, runtime.cipher, **person(0), region="隆回县桃洪镇新村")
        town = await add(session, runtime.cipher, **person(1), region="隆回县桃洪镇")
        city = await add(
            session, runtime.cipher, **person(2), region="邵阳市", role=CadreRole.ADMIN
        )
        province = await add(
            session, runtime.cipher, **person(3), region="湖南", role=CadreRole.ADMIN
        )
        assert (village.level, village.area) == (StaffLevel.VILLAGE, "桃洪镇新村")
        assert (town.level, town.area) == (StaffLevel.TOWNSHIP, "桃洪镇")
        assert (city.level, province.level) == (StaffLevel.CITY, StaffLevel.PROVINCE)
        with pytest.raises(InvalidInput):
            await add(
                session, runtime.cipher, **person(4), region="邵阳市"
            )  # a cadre needs a county


def test_the_weekly_matching_fires_on_monday_in_shanghai() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    schedule = trigger("0 9 * * 1", "Asia/Shanghai")
    fire = schedule.get_next_fire_time(None, datetime(2026, 12, 1, tzinfo=tz))  # a Tuesday
    assert fire.astimezone(tz).strftime("%A %H:%M") == "Monday 09:00"
    for sunday in ("0", "7"):
        fire = trigger(f"0 9 * * {sunday}", "Asia/Shanghai").get_next_fire_time(
            None, datetime(2026, 12, 1, tzinfo=tz)
        )
        assert fire.astimezone(tz).strftime("%A") == "Sunday"


async def test_roster_reimport_assigns_a_cadre_registered_since(runtime: Runtime, tmp_path) -> None:
    from yulu.services import roster

    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(
        "姓名,身份证号,手机号,学校,专业,学历层次,毕业年份,户籍地,家庭类型,易地搬迁,帮扶干部手机号\n"
        "张三,430524200601011237,13512345678,隆回职中,汽车运用与维修,中职,2026,隆回,脱贫家庭,否,"
        "13900000030\n",
        encoding="utf-8",
    )
    first = await roster.import_roster(runtime.session_factory, runtime.cipher, roster_file)
    assert first.errors == [] and first.inserted == 1
    async with runtime.session_factory.begin() as session:
        region = await places.region_for(session, places.county("隆回"))
        person = graduate(runtime.cipher, user_id=8801, region_id=region.id, cadre_id=None)
        person.name, person.phone_hash = "张三", runtime.cipher.lookup_hash("13512345678")
        person.verified = False
        session.add(person)
    await roster.import_roster(runtime.session_factory, runtime.cipher, roster_file)
    async with runtime.session_factory() as session:
        person = await session.scalar(select(Graduate).where(Graduate.name == "张三"))
        assert person.verified and person.cadre_id is None  # the cadre is not registered yet
    cadre_id = await _staff(
        runtime, name="李书记", phone="13900000030", region="隆回县桃洪镇", bound=9030
    )
    await roster.import_roster(runtime.session_factory, runtime.cipher, roster_file)
    async with runtime.session_factory() as session:
        person = await session.scalar(select(Graduate).where(Graduate.name == "张三"))
        assert person.cadre_id == cadre_id

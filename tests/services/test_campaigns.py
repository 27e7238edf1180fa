"""Seasonal campaigns: the right audience, each message once a year, never on a holiday."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from factories import graduate
from sqlalchemy import select, update

from yulu.bot.callbacks import CampaignChoice
from yulu.bot.keyboards import render, render_stored
from yulu.core.config import CampaignSettings, Settings
from yulu.core.errors import InvalidInput
from yulu.core.i18n import get_translator
from yulu.services import campaigns, places
from yulu.services.actions import to_json
from yulu.services.context import Runtime
from yulu.services.privacy import FieldCipher
from yulu.storage.campaigns import CampaignAnswer, audience_query
from yulu.storage.models import (
    EducationLevel,
    EmploymentStatus,
    Graduate,
    OutboxMessage,
    OutboxStatus,
    Region,
    RosterEntry,
)

pytestmark = pytest.mark.integration
T = get_translator()
TZ = "Asia/Shanghai"
YEAR = 2026
WORKDAY = date(2026, 6, 16)  # a Tuesday inside both built-in windows
NATIONAL_DAY = date(2026, 10, 1)
LONGHUI, XINHUA = "湖南省邵阳市隆回县", "湖南省娄底市新化县"
BUILT_IN = Settings().campaigns


def campaign(name: str = "graduation", **changes: Any) -> CampaignSettings:
    """A built-in campaign with some keys changed (audience keys replace the audience)."""
    data = BUILT_IN[name].model_dump()
    if "audience" in changes:
        data["audience"] = changes.pop("audience")
    data.update(changes)
    return CampaignSettings.model_validate(data)


class People:
    """Builds graduates and roster rows in named counties."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.cipher: FieldCipher = runtime.cipher
        self._next = iter(range(900_000, 999_999))

    async def region_id(self, session, county: str) -> int:
        return (await places.region_for(session, places.county(county))).id

    async def graduate(
        self, name: str, *, county: str = "隆回", year: int = YEAR, **fields: Any
    ) -> int:
        async with self.runtime.session_factory.begin() as session:
            row = graduate(
                self.cipher,
                user_id=next(self._next),
                region_id=await self.region_id(session, county),
                cadre_id=None,
                name=name,
            )
            row.graduation_year = year
            for key, value in fields.items():
                setattr(row, key, value)
            session.add(row)
            await session.flush()
            return row.id

    async def roster(
        self,
        name: str,
        *,
        county: str = "隆回",
        year: int = YEAR,
        household: str = "脱贫家庭",
        relocated: bool = False,
    ) -> int:
        number = f"4305242005{next(self._next):08d}"
        async with self.runtime.session_factory.begin() as session:
            row = RosterEntry(
                name=name,
                id_number_enc=self.cipher.encrypt(number),
                id_number_hash=self.cipher.lookup_hash(number),
                phone_enc=self.cipher.encrypt("13700001111"),
                phone_hash="x",
                school="隆回职中",
                major="护理",
                education_level=EducationLevel.SECONDARY,
                graduation_year=year,
                hukou_region_id=await self.region_id(session, county),
                household_type=household,
                relocated=relocated,
                fingerprint="f",
            )
            session.add(row)
            await session.flush()
            return row.id


@pytest.fixture
def people(runtime: Runtime) -> People:
    return People(runtime)


async def preview(
    runtime: Runtime,
    c: CampaignSettings,
    *,
    name: str = "graduation",
    today: date = WORKDAY,
    samples: int = 0,
) -> campaigns.CampaignReport:
    return await campaigns.run_campaign(
        runtime.session_factory,
        T,
        name=name,
        campaign=c,
        today=today,
        tz=TZ,
        dry_run=True,
        samples=samples,
        holidays=lambda d: False,
    )


async def run(
    runtime: Runtime,
    c: CampaignSettings,
    *,
    name: str = "graduation",
    today: date = WORKDAY,
    holidays=lambda d: False,
) -> campaigns.CampaignReport:
    return await campaigns.run_campaign(
        runtime.session_factory, T, name=name, campaign=c, today=today, tz=TZ, holidays=holidays
    )


async def outbox(runtime: Runtime) -> list[OutboxMessage]:
    async with runtime.session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "campaign")
                .order_by(OutboxMessage.id)
            )
        )


async def audience_names(runtime: Runtime, **audience: Any) -> set[str]:
    c = campaign(audience=audience)
    edition = campaigns.edition_of(c, WORKDAY)
    async with runtime.session_factory() as session:
        rows = (await session.execute(audience_query(campaigns.audience_filter(c, edition)))).all()
    return {row.name for row in rows}


async def test_graduation_preview_counts_this_years_class_per_county(
    runtime: Runtime, people: People
) -> None:
    for name in ("甲", "乙"):
        await people.graduate(name)
    await people.graduate("丙", county="新化")
    await people.graduate("往届", year=YEAR - 1)
    await people.graduate("退订", unsubscribed_at=datetime.now(UTC))
    report = await preview(runtime, BUILT_IN["graduation"], samples=3)
    assert report.edition == YEAR and report.in_window
    assert dict(report.reachable) == {LONGHUI: 2, XINHUA: 1}
    assert dict(report.unreachable) == {LONGHUI: 1}
    assert len(report.samples) == 3 and "甲，毕业季到了" in report.samples[0]
    assert report.enqueued == 0 and await outbox(runtime) == []


async def test_audience_filters(runtime: Runtime, people: People) -> None:
    roster_poor = await people.roster("脱贫甲", household="脱贫家庭", relocated=True)
    roster_watch = await people.roster("监测乙", household="监测对象", county="新化")
    await people.graduate(
        "脱贫甲", roster_entry_id=roster_poor, verified=True, status=EmploymentStatus.SEEKING
    )
    await people.graduate(
        "监测乙",
        county="新化",
        roster_entry_id=roster_watch,
        verified=True,
        status=EmploymentStatus.EMPLOYED,
        education_level=EducationLevel.HIGHER,
    )
    await people.graduate("未核实", status=EmploymentStatus.LOST_JOB, verified=False)
    async with runtime.session_factory.begin() as session:
        xinhua = await people.region_id(session, "新化")
        await session.execute(update(Region).where(Region.id == xinhua).values(key_county=True))
    everyone = {"脱贫甲", "监测乙", "未核实"}
    assert await audience_names(runtime, graduation_year="this_year") == everyone
    assert await audience_names(runtime, graduation_year=[YEAR - 1]) == set()
    assert await audience_names(runtime, statuses=["seeking", "lost_job"]) == {"脱贫甲", "未核实"}
    assert await audience_names(runtime, regions=["新化"]) == {"监测乙"}
    assert await audience_names(runtime, regions=["新化", "隆回"]) == everyone
    assert await audience_names(runtime, household_types=["监测对象"]) == {"监测乙"}
    assert await audience_names(runtime, relocated=True) == {"脱贫甲"}
    assert await audience_names(runtime, key_county=True) == {"监测乙"}
    assert await audience_names(runtime, verified=False) == {"未核实"}
    assert await audience_names(runtime, education_levels=["higher"]) == {"监测乙"}
    assert await audience_names(runtime, verified=True, statuses=["seeking"]) == {"脱贫甲"}


async def test_enrollment_reaches_roster_rows_only_through_a_matched_graduate(
    runtime: Runtime, people: People
) -> None:
    linked = await people.roster("报名甲")
    await people.roster("无账号乙")
    await people.roster("无账号丙", county="新化", household="监测对象")
    await people.roster("往届丁", year=YEAR - 1)
    await people.roster("其他户", household="一般户")
    graduate_id = await people.graduate("报名甲", roster_entry_id=linked, verified=True)
    report = await run(runtime, BUILT_IN["enrollment"], name="enrollment")
    assert dict(report.reachable) == {LONGHUI: 1}
    assert dict(report.unreachable) == {LONGHUI: 1, XINHUA: 1}
    [message] = await outbox(runtime)
    assert message.idempotency_key == f"campaign:enrollment:{YEAR}:{graduate_id}"
    assert message.graduate_id == graduate_id and "报名甲" in message.text
    taps = [
        CampaignChoice.unpack(b.callback_data)
        for row in render_stored(get_translator(), message.buttons).inline_keyboard
        for b in row
    ]
    assert [tap.value for tap in taps] == ["enrol", "considering", "working", "not_now"]
    assert {(tap.campaign, tap.edition) for tap in taps} == {("enrollment", YEAR)}


async def test_a_second_run_adds_only_newcomers(runtime: Runtime, people: People) -> None:
    await people.graduate("甲")
    await people.graduate("乙")
    assert (await run(runtime, BUILT_IN["graduation"])).enqueued == 2
    assert (await run(runtime, BUILT_IN["graduation"])).enqueued == 0
    newcomer = await people.graduate("新登记")
    again = await run(runtime, BUILT_IN["graduation"], today=date(2026, 6, 17))
    assert again.enqueued == 1 and again.audience == 3
    keys = [m.idempotency_key for m in await outbox(runtime)]
    assert len(keys) == len(set(keys)) == 3 and keys[-1].endswith(f":{newcomer}")


async def test_chinese_calendar_knows_2026_statutory_holidays() -> None:
    assert campaigns.holiday_status(NATIONAL_DAY) is True
    assert campaigns.holiday_status(date(2026, 10, 10)) is False  # a make-up working Saturday
    assert campaigns.holiday_status(date(2026, 10, 11)) is False  # an ordinary Sunday
    assert campaigns.next_open_day(NATIONAL_DAY) == date(2026, 10, 8)


async def test_daily_job_skips_statutory_holidays_unless_configured(
    runtime: Runtime, people: People
) -> None:
    await people.graduate("甲")
    autumn = {"graduation": campaign(start="09-01", end="10-31")}
    assert (
        await campaigns.run_due(
            runtime.session_factory, T, campaigns=autumn, today=NATIONAL_DAY, tz=TZ
        )
        == {}
    )
    assert await outbox(runtime) == []
    reports = await campaigns.run_due(
        runtime.session_factory, T, campaigns=autumn, today=date(2026, 10, 8), tz=TZ
    )
    assert reports["graduation"].enqueued == 1
    await people.graduate("乙")
    anyway = {"graduation": campaign(start="09-01", end="10-31", avoid_holidays=False)}
    reports = await campaigns.run_due(
        runtime.session_factory, T, campaigns=anyway, today=NATIONAL_DAY, tz=TZ
    )
    assert reports["graduation"].enqueued == 1


async def test_daily_job_runs_only_enabled_campaigns_in_their_window(
    runtime: Runtime, people: People
) -> None:
    await people.graduate("甲")
    configured = {
        "graduation": BUILT_IN["graduation"],
        "enrollment": campaign("enrollment", enabled=False),
    }

    def no_holidays(d):
        return False

    assert (
        await campaigns.run_due(
            runtime.session_factory,
            T,
            campaigns=configured,
            today=date(2026, 11, 30),
            tz=TZ,
            holidays=no_holidays,
        )
        == {}
    )
    reports = await campaigns.run_due(
        runtime.session_factory, T, campaigns=configured, today=WORKDAY, tz=TZ, holidays=no_holidays
    )
    assert list(reports) == ["graduation"]


async def test_a_run_by_hand_on_a_holiday_waits_for_the_next_working_day(
    runtime: Runtime, people: People
) -> None:
    await people.graduate("甲", year=2027)
    may_day_2027 = date(2027, 5, 1)  # beyond the installed calendar: injected
    report = await run(
        runtime,
        BUILT_IN["graduation"],
        today=may_day_2027,
        holidays=lambda d: d in {may_day_2027, date(2027, 5, 2)},
    )
    assert report.deferred_to == date(2027, 5, 3) and report.enqueued == 1
    [message] = await outbox(runtime)
    assert message.not_before.astimezone(ZoneInfo(TZ)) == datetime(2027, 5, 3, tzinfo=ZoneInfo(TZ))


def test_windows_recur_yearly_and_may_wrap_the_new_year() -> None:
    graduation = BUILT_IN["graduation"]
    assert campaigns.in_window(graduation, date(2027, 4, 1), tz=TZ)
    assert campaigns.in_window(graduation, date(2027, 7, 31), tz=TZ)
    assert not campaigns.in_window(graduation, date(2027, 8, 1), tz=TZ)
    winter = campaign(start="12-01", end="02-28")
    assert campaigns.in_window(winter, date(2027, 1, 15), tz=TZ)
    assert not campaigns.in_window(winter, date(2027, 3, 1), tz=TZ)
    assert campaigns.edition_of(winter, date(2027, 1, 15)) == 2026
    assert campaigns.edition_of(winter, date(2026, 12, 2)) == 2026
    mondays_in_june = campaign(start=None, end=None, cron="0 10 * 6 mon")
    assert campaigns.in_window(mondays_in_june, date(2026, 6, 15), tz=TZ)
    assert not campaigns.in_window(mondays_in_june, date(2026, 6, 16), tz=TZ)


def test_a_window_needs_dates_or_cron() -> None:
    with pytest.raises(ValueError):
        campaign(cron="0 10 * 6 mon")  # dates and cron
    with pytest.raises(ValueError):
        campaign(start=None, end=None)  # neither


async def answer(runtime: Runtime, graduate_id: int, value: str, name: str = "graduation") -> str:
    async with runtime.session_factory.begin() as session:
        row = await session.get(Graduate, graduate_id)
        return await campaigns.record_answer(
            session, BUILT_IN, row, name=name, edition=YEAR, value=value
        )


async def test_answers_are_recorded_changed_and_counted(runtime: Runtime, people: People) -> None:
    first = await people.graduate("甲", status=EmploymentStatus.SEEKING)
    second = await people.graduate("乙")
    await run(runtime, BUILT_IN["graduation"])
    assert await answer(runtime, first, "job_fair") == "campaign-graduation-reply-job_fair"
    assert await answer(runtime, first, "found_job") == "campaign-graduation-reply-found_job"
    await answer(runtime, second, "internship")
    with pytest.raises(InvalidInput):
        await answer(runtime, second, "bogus")
    async with runtime.session_factory.begin() as session:
        assert (await session.get(Graduate, first)).status is EmploymentStatus.EMPLOYED
        assert len((await session.scalars(select(CampaignAnswer))).all()) == 2
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.graduate_id == second)
            .values(status=OutboxStatus.FAILED, last_error="blocked: Forbidden")
        )
        status = await campaigns.campaign_status(session, name="graduation", edition=YEAR)
    assert status.deliveries == {"pending": 1, "failed": 1}
    assert status.failures == [("blocked: Forbidden", 1)]
    assert status.answers == {"found_job": 1, "internship": 1} and status.answered == 2


async def test_answers_export_to_the_ledger_with_chinese_headers(
    runtime: Runtime, people: People, tmp_path: Path
) -> None:
    entry = await people.roster("报名甲")
    graduate_id = await people.graduate("报名甲", roster_entry_id=entry, verified=True)
    await people.roster("无账号乙", county="新化")
    await run(runtime, BUILT_IN["enrollment"], name="enrollment")
    await answer(runtime, graduate_id, "enrol", name="enrollment")
    path = tmp_path / "answers.csv"
    async with runtime.session_factory.begin() as session:
        count = await campaigns.export_answers(
            session,
            runtime.cipher,
            T,
            path,
            name="enrollment",
            campaign=BUILT_IN["enrollment"],
            edition=YEAR,
            tz=TZ,
            actor="test",
        )
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert count == 1 and rows[0]["姓名"] == "报名甲" and rows[0]["回答"] == "🙋 有意向报读"
    assert rows[0]["活动"] == "入学季" and rows[0]["家庭类型"] == "脱贫家庭"
    assert "****" in rows[0]["手机号"] and rows[0]["户籍地"] == LONGHUI

    contacts = tmp_path / "contacts.csv"
    async with runtime.session_factory.begin() as session:
        await campaigns.export_contacts(
            session,
            runtime.cipher,
            T,
            contacts,
            campaign=BUILT_IN["enrollment"],
            edition=YEAR,
            full=False,
            actor="test",
        )
    listed = list(csv.DictReader(contacts.open(encoding="utf-8-sig")))
    assert [(r["姓名"], r["户籍地"], r["原因"]) for r in listed] == [
        ("无账号乙", XINHUA, "未在 Telegram 登记")
    ]
    assert listed[0]["手机号"] == "137****1111"


def test_built_in_campaigns_have_every_text_and_short_callbacks() -> None:
    for name, c in BUILT_IN.items():
        assert campaigns.missing_texts(T, c) == []
        markup = render(T, campaigns.campaign_choices(name, YEAR, c))  # packing checks 64 bytes
        assert [row[0].text for row in markup.inline_keyboard] == [T(b.label) for b in c.buttons]


# --- a run is set-based: what the database writes is what Python would have written ----------


async def test_enqueued_texts_are_what_python_renders_with_the_buttons(
    runtime: Runtime, people: People
) -> None:
    c = BUILT_IN["graduation"]
    names = ["甲", "欧阳小明", "O'Brien %s", "阿依古丽·买买提", "李{ $name }"]
    ids = [await people.graduate(name) for name in names]
    report = await run(runtime, c)
    assert report.enqueued == len(names)
    messages = {m.graduate_id: m for m in await outbox(runtime)}
    buttons = to_json(campaigns.campaign_choices("graduation", YEAR, c))
    for graduate_id, name in zip(ids, names, strict=True):
        message = messages[graduate_id]
        assert message.text == campaigns.message_text(T, c, name=name, edition=YEAR)
        assert message.text.startswith(f"{name}，毕业季到了")
        assert message.buttons == buttons and message.kind == "campaign"
        assert message.idempotency_key == f"campaign:graduation:{YEAR}:{graduate_id}"
        assert message.chat_id is not None and message.status == OutboxStatus.PENDING
        assert message.attempts == 0 and message.not_before <= datetime.now(UTC)
    labels = [
        b.text for row in render_stored(T, messages[ids[0]].buttons).inline_keyboard for b in row
    ]
    assert labels == [T(b.label) for b in c.buttons]


async def test_unsubscribed_blocked_and_chatless_people_are_counted_not_enqueued(
    runtime: Runtime, people: People
) -> None:
    reached = await people.graduate("可达")
    await people.graduate("退订", unsubscribed_at=datetime.now(UTC))
    await people.graduate("屏蔽", unreachable_at=datetime.now(UTC), county="新化")
    await people.graduate("无会话", chat_id=None)
    report = await run(runtime, BUILT_IN["graduation"])
    assert dict(report.reachable) == {LONGHUI: 1}
    assert dict(report.unreachable) == {LONGHUI: 2, XINHUA: 1}
    assert [m.graduate_id for m in await outbox(runtime)] == [reached]


async def test_a_dry_run_counts_exactly_what_the_run_then_adds(
    runtime: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaigns, "SLICE", 2)  # several slices, some empty
    linked = [await people.roster(f"名单{n}", county=("隆回", "新化")[n % 2]) for n in range(5)]
    await people.roster("无账号", county="新化")
    for n, entry in enumerate(linked):
        await people.graduate(f"名单{n}", roster_entry_id=entry, verified=True)
    await people.graduate("往届", year=YEAR - 1)
    c = BUILT_IN["enrollment"]
    seen: list[int] = []
    dry = await campaigns.run_campaign(
        runtime.session_factory,
        T,
        name="enrollment",
        campaign=c,
        today=WORKDAY,
        tz=TZ,
        dry_run=True,
        samples=2,
        on_batch=seen.append,
        holidays=lambda d: False,
    )
    assert dry.enqueued == 0 and await outbox(runtime) == []
    assert dry.new == 5  # exactly what the real run adds, below
    assert sum(seen) == dry.audience == 6 and len(seen) > 1
    assert dry.samples == [
        campaigns.message_text(T, c, name=f"名单{n}", edition=YEAR) for n in range(2)
    ]
    real = await run(runtime, c, name="enrollment")
    assert (real.reachable, real.unreachable) == (dry.reachable, dry.unreachable)
    assert real.enqueued == sum(dry.reachable.values()) == 5 == len(await outbox(runtime))
    again = await run(runtime, c, name="enrollment")
    assert again.enqueued == 0 and again.reachable == real.reachable
    dry_again = await preview(runtime, c, name="enrollment")
    assert dry_again.new == 0 and dry_again.reachable == real.reachable  # nothing left to add

"""Through the sandbox: a case climbs village cadre → township cadre → county administrator.

The SLA is stepped with `yulu jobs run case_sla --at …` (the CLI, in-process); alerts are
delivered by the real outbox sender; taps go through the real dispatcher.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.types import BotCommandScopeChat
from factories import graduate
from sqlalchemy import select
from staff_helpers import Staffroom, button, buttons, yulu_cli

from yulu.bot.app import create_bot
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services import cases, places
from yulu.services.checkin import blocked_hook
from yulu.services.context import Runtime
from yulu.storage.models import Cadre, Case, CaseEvent, CaseReason, CaseStatus, Graduate

pytestmark = pytest.mark.integration
TOKEN = "123456:ABC"
VILLAGE, TOWNSHIP, ADMIN, OTHER_ADMIN, GRADUATE = 7001, 7002, 7003, 7004, 7100
SLA = timedelta(hours=1)


@pytest.fixture
async def bot(sandbox: BotApiSandbox) -> AsyncIterator[Bot]:
    client = create_bot(TOKEN, sandbox.url)
    yield client
    await client.session.close()


@pytest.fixture
async def room(runtime: Runtime, bot: Bot, sandbox: BotApiSandbox) -> Staffroom:
    runtime.settings.cases.ack_sla_hours = 1
    return Staffroom(runtime, bot, sandbox)


def _env(runtime: Runtime, tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    return {
        "YULU_CONFIG": str(empty),
        "YULU_DATABASE_URL": runtime.settings.database_url,
        "YULU_SECRET_KEY": runtime.settings.secret_key.get_secret_value(),
        "YULU_CASES_ACK_SLA_HOURS": "1",
    }


async def _case_sla_at(runtime: Runtime, tmp_path: Path, moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    args = ["jobs", "run", "case_sla", "--at", local]
    return await asyncio.to_thread(yulu_cli, args, _env(runtime, tmp_path))


async def _chain(room: Staffroom, *, village_bound: bool = True) -> dict[str, int]:
    """隆回: admin ← 桃洪镇 township cadre ← 某村 village cadre; and 邵东's admin, bound too."""
    ids = {
        "admin": await room.add_staff(
            name="赵主任", phone="13900000010", region="隆回", user_id=ADMIN, admin=True
        ),
        "other": await room.add_staff(
            name="钱主任", phone="13900000040", region="邵东", user_id=OTHER_ADMIN, admin=True
        ),
    }
    ids["township"] = await room.add_staff(
        name="孙镇长", phone="13900000020", region="隆回县桃洪镇", user_id=TOWNSHIP
    )
    ids["village"] = await room.add_staff(
        name="李书记",
        phone="13900000030",
        region="隆回县桃洪镇新村",
        user_id=VILLAGE if village_bound else None,
        supervisor="13900000020",
    )
    return ids


async def _lost_job_case(runtime: Runtime, cadre_id: int | None) -> tuple[int, datetime]:
    async with runtime.session_factory.begin() as session:
        region = await places.region_for(session, places.county("隆回"))
        person = graduate(runtime.cipher, user_id=GRADUATE, region_id=region.id, cadre_id=cadre_id)
        session.add(person)
        await session.flush()
        person = await session.get(Graduate, person.id)
        case = await cases.open_case(
            session, runtime.cipher, get_translator(), person, CaseReason.LOST_JOB, actor="system"
        )
        return case.id, case.opened_at


async def _alerts(room: Staffroom, user_id: int, case_id: int) -> list[dict]:
    return [m for m in await room.bot_messages(user_id) if f"#{case_id}" in m["text"]]


async def test_a_case_climbs_one_level_each_sla_period_until_someone_acts(
    room: Staffroom, runtime: Runtime, tmp_path: Path
) -> None:
    ids = await _chain(room)
    case_id, opened = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    assert len(await _alerts(room, VILLAGE, case_id)) == 1  # the owner's alert

    await _case_sla_at(runtime, tmp_path, opened + SLA + timedelta(minutes=1))
    await room.deliver()
    village = await _alerts(room, VILLAGE, case_id)
    assert len(village) == 2 and "提醒" in village[1]["text"]  # one reminder
    assert await _alerts(room, TOWNSHIP, case_id) == []

    await _case_sla_at(runtime, tmp_path, opened + 2 * SLA + timedelta(minutes=2))
    await room.deliver()
    township = await _alerts(room, TOWNSHIP, case_id)
    assert len(township) == 1 and "督办" in township[0]["text"]
    assert await _alerts(room, ADMIN, case_id) == []

    await _case_sla_at(runtime, tmp_path, opened + 3 * SLA + timedelta(minutes=3))
    await room.deliver()
    admin = await _alerts(room, ADMIN, case_id)
    assert len(admin) == 1 and "督办" in admin[0]["text"]
    assert len(await _alerts(room, VILLAGE, case_id)) == 2  # nothing more to the owner
    assert len(await _alerts(room, TOWNSHIP, case_id)) == 1  # one alert per level

    # Nobody outside the graduate's county, ever: 邵东's administrator got nothing.
    assert await _alerts(room, OTHER_ADMIN, case_id) == []

    # The township cadre acknowledges with one tap on the escalation alert.
    await room.tap(TOWNSHIP, township[0]["message_id"], button(township[0], "受理"))
    async with runtime.session_factory() as session:
        case = await session.get(Case, case_id)
        assert case.status is CaseStatus.ACKNOWLEDGED
    # Every alert about the case now reads 已受理 and no longer offers 受理 …
    for user_id in (VILLAGE, TOWNSHIP, ADMIN):
        for message in await _alerts(room, user_id, case_id):
            assert "已受理" in message["text"]
            labels = [label for label, _ in buttons(message)]
            assert not any("受理" in label for label in labels)
            assert any("办结" in label for label in labels)
    # … and the owner is told who did it.
    await room.deliver()
    told = [m for m in await room.bot_messages(VILLAGE) if "孙镇长" in m["text"]]
    assert len(told) == 1 and "已受理" in told[0]["text"]

    # The township cadre closes it; the owner's alert follows, the notice stays a notice.
    township = (await _alerts(room, TOWNSHIP, case_id))[0]
    await room.tap(TOWNSHIP, township["message_id"], button(township, "办结"))
    outcomes = (await room.bot_messages(TOWNSHIP))[-1]
    await room.tap(TOWNSHIP, outcomes["message_id"], button(outcomes, "已就业"))
    await room.deliver()
    village = await room.bot_messages(VILLAGE)
    notices = [m for m in village if "孙镇长" in m["text"]]
    assert len(notices) == 2 and not any("原因：" in m["text"] for m in notices)
    alert = next(m for m in village if "原因" in m["text"] and "督办" not in m["text"])
    assert "已办结" in alert["text"] and buttons(alert) == []


async def test_the_administrator_can_acknowledge_an_escalated_case(
    room: Staffroom, runtime: Runtime, tmp_path: Path
) -> None:
    ids = await _chain(room)
    case_id, opened = await _lost_job_case(runtime, ids["village"])
    for step in (1, 2, 3):
        await _case_sla_at(runtime, tmp_path, opened + step * SLA + timedelta(minutes=step))
    await room.deliver()
    alert = (await _alerts(room, ADMIN, case_id))[0]
    await room.say(ADMIN, "/cases")  # escalated cases are on the administrator's list too
    assert f"#{case_id}" in (await room.bot_messages(ADMIN))[-1]["text"]
    await room.tap(ADMIN, alert["message_id"], button(alert, "受理"))
    async with runtime.session_factory() as session:
        case = await session.get(Case, case_id)
        events = (
            await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
        ).all()
    assert case.status is CaseStatus.ACKNOWLEDGED
    assert [e.actor for e in events if e.action == "acknowledged"] == [f"cadre:{ids['admin']}"]


async def test_an_unbound_owner_is_skipped_at_once(room: Staffroom, runtime: Runtime) -> None:
    ids = await _chain(room, village_bound=False)
    case_id, _ = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    township = await _alerts(room, TOWNSHIP, case_id)
    assert len(township) == 1 and "还没有绑定" in township[0]["text"]
    async with runtime.session_factory() as session:
        events = (
            await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
        ).all()
    assert ("skipped", f"cadre:{ids['village']}") in [(e.action, e.note) for e in events]
    assert await _alerts(room, OTHER_ADMIN, case_id) == []


async def test_an_owner_who_blocked_the_bot_is_passed_over_until_they_write_again(
    room: Staffroom, runtime: Runtime
) -> None:
    """李书记 blocked the bot: the alert is refused, the case goes at once to 孙镇长 (told why),
    and 李书记 counts as unreachable until he unblocks the bot and writes to it."""
    room.sender._on_blocked = blocked_hook(runtime.cipher, get_translator())
    ids = await _chain(room)
    await room.block(VILLAGE)
    case_id, _ = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    township = await _alerts(room, TOWNSHIP, case_id)
    assert len(township) == 1 and "李书记 已屏蔽机器人" in township[0]["text"]
    assert await _alerts(room, ADMIN, case_id) == []  # one step up, not the whole chain
    async with runtime.session_factory() as session:
        assert not (await session.get(Cadre, ids["village"])).reachable
    await room.block(VILLAGE, blocked=False)
    await room.say(VILLAGE, "/help")
    async with runtime.session_factory() as session:
        assert (await session.get(Cadre, ids["village"])).reachable


async def test_after_ack_the_alert_offers_only_what_applies_and_case_n_shows_the_history(
    room: Staffroom, runtime: Runtime
) -> None:
    ids = await _chain(room)
    case_id, _ = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    ack = button(alert, "受理")
    await room.tap(VILLAGE, alert["message_id"], ack)
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    assert "已受理" in alert["text"]
    assert [label for label, _ in buttons(alert) if "受理" in label] == []
    assert any("办结" in label for label, _ in buttons(alert))
    assert any("查看电话" in label for label, _ in buttons(alert))  # a lost-job case

    async with runtime.session_factory.begin() as session:
        case = await session.get(Case, case_id)
        cadre = await session.get(Cadre, ids["village"])
        await cases.resolve(session, case, cadre, "employed")
    replies_before = len(await room.bot_messages(VILLAGE))
    await room.say(VILLAGE, f"/case {case_id}")
    shown = (await room.bot_messages(VILLAGE))[-1]
    assert "已办结" in shown["text"] and buttons(shown) == []
    assert len(await room.bot_messages(VILLAGE)) == replies_before + 1
    # The history lists every event.
    for word in ("发起", "通知责任人", "受理", "办结"):
        assert word in shown["text"]


async def test_ack_on_a_resolved_case_answers_its_state_and_changes_nothing(
    room: Staffroom, runtime: Runtime
) -> None:
    ids = await _chain(room)
    case_id, _ = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    ack = button(alert, "受理")
    async with runtime.session_factory.begin() as session:
        case = await session.get(Case, case_id)
        cadre = await session.get(Cadre, ids["village"])
        await cases.resolve(session, case, cadre, "employed")
    messages_before = len(await room.bot_messages(VILLAGE))
    await room.tap(VILLAGE, alert["message_id"], ack)  # the stale 受理 button
    chat = await room.chat(VILLAGE)
    assert any("已办结" in toast["text"] for toast in chat["toasts"])
    assert len(await room.bot_messages(VILLAGE)) == messages_before  # no new reply
    async with runtime.session_factory() as session:
        case = await session.get(Case, case_id)
        acks = (
            await session.scalars(
                select(CaseEvent).where(
                    CaseEvent.case_id == case_id, CaseEvent.action == "acknowledged"
                )
            )
        ).all()
    assert case.status is CaseStatus.RESOLVED and acks == []
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    assert "已办结" in alert["text"] and buttons(alert) == []  # the alert caught up


async def test_keep_following_keeps_the_case_open(room: Staffroom, runtime: Runtime) -> None:
    ids = await _chain(room)
    case_id, _ = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    await room.tap(VILLAGE, alert["message_id"], button(alert, "办结"))
    outcomes = (await room.bot_messages(VILLAGE))[-1]
    await room.tap(VILLAGE, outcomes["message_id"], button(outcomes, "持续跟进"))
    async with runtime.session_factory() as session:
        case = await session.get(Case, case_id)
    assert case.status is CaseStatus.FOLLOWING and case.resolved_at is None
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    assert "跟进中" in alert["text"]


async def test_reveal_phone_is_audited_and_masked_again(
    room: Staffroom, runtime: Runtime, tmp_path: Path
) -> None:
    ids = await _chain(room)
    case_id, _ = await _lost_job_case(runtime, ids["village"])
    await room.deliver()
    alert = (await _alerts(room, VILLAGE, case_id))[0]
    full = f"135{GRADUATE:08d}"[-11:]
    assert full not in alert["text"]
    await room.tap(VILLAGE, alert["message_id"], button(alert, "查看电话"))
    shown = (await _alerts(room, VILLAGE, case_id))[0]
    assert full in shown["text"]
    later = datetime.now(UTC) + timedelta(minutes=runtime.settings.cases.reveal_minutes + 1)
    from yulu.bot.editing import TelegramCaseMessages

    async with runtime.session_factory.begin() as session:
        masked = await cases.mask_revealed(
            session,
            runtime.cipher,
            get_translator(),
            TelegramCaseMessages(room.bot, get_translator()),
            now=later,
        )
    assert masked == 1
    again = (await _alerts(room, VILLAGE, case_id))[0]
    assert full not in again["text"] and "****" in again["text"]
    audit = await asyncio.to_thread(
        yulu_cli, ["audit", "list", "--subject", "graduate:"], _env(runtime, tmp_path)
    )
    assert "case.reveal_phone" in audit and f"cadre:{ids['village']}" in audit


async def test_a_cadres_menu_lists_the_cadre_commands(room: Staffroom, bot: Bot) -> None:
    await _chain(room)
    commands = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=VILLAGE))
    names = [c.command for c in commands]
    assert {"cases", "case", "mygraduates"} <= set(names)
    await room.say(VILLAGE, "/help")
    help_text = (await room.bot_messages(VILLAGE))[-1]["text"]
    assert "/cases" in help_text and "登记" not in help_text

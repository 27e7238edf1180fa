"""A STOP that stops, blocking noticed at once, through the sandbox and the real dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from factories import graduate
from sqlalchemy import select
from staff_helpers import Staffroom, button

from yulu.bot.app import create_bot
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services import checkin, places
from yulu.services.context import Runtime
from yulu.storage import outbox
from yulu.storage.models import (
    Case,
    CaseReason,
    CheckIn,
    Graduate,
    OutboxMessage,
    OutboxStatus,
)

pytestmark = pytest.mark.integration
TOKEN = "123456:ABC"
CADRE, GRADUATE = 7201, 7301
PERIOD = "2026-11"


@pytest.fixture
async def bot(sandbox: BotApiSandbox) -> AsyncIterator[Bot]:
    client = create_bot(TOKEN, sandbox.url)
    yield client
    await client.session.close()


@pytest.fixture
async def room(runtime: Runtime, bot: Bot, sandbox: BotApiSandbox) -> Staffroom:
    return Staffroom(runtime, bot, sandbox)


async def _graduate(room: Staffroom) -> int:
    """A registered graduate of 隆回 with a bound cadre; both chats opened."""
    cadre_id = await room.add_staff(
        name="李书记", phone="13900000030", region="隆回县桃洪镇", user_id=CADRE
    )
    async with room.runtime.session_factory.begin() as session:
        region = await places.region_for(session, places.county("隆回"))
        person = graduate(
            room.runtime.cipher, user_id=GRADUATE, region_id=region.id, cadre_id=cadre_id
        )
        session.add(person)
        await session.flush()
        graduate_id = person.id
    await room.say(GRADUATE, "/help")  # opens the chat, as a graduate would
    return graduate_id


async def _graduate_texts(room: Staffroom) -> list[str]:
    return [m["text"] for m in await room.bot_messages(GRADUATE)]


async def _enqueue_checkin(room: Staffroom) -> None:
    report = await checkin.run_round(room.runtime.session_factory, get_translator(), period=PERIOD)
    assert report.enqueued == 1


async def test_a_queued_checkin_is_never_delivered_after_stop(room: Staffroom) -> None:
    graduate_id = await _graduate(room)
    await _enqueue_checkin(room)
    await room.say(GRADUATE, "退订")
    await room.deliver()
    texts = await _graduate_texts(room)
    assert "已退订" in texts[-1]
    assert not any("工作情况" in t or "还在原单位" in t for t in texts)
    async with room.runtime.session_factory() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.graduate_id == graduate_id)
            )
        ).all()
        person = await session.get(Graduate, graduate_id)
    assert [(r.status, r.last_error) for r in rows] == [(OutboxStatus.CANCELLED, "unsubscribed")]
    assert person.unsubscribed_at is not None


async def test_the_sender_rechecks_subscription_right_before_sending(room: Staffroom) -> None:
    graduate_id = await _graduate(room)
    await _enqueue_checkin(room)
    async with room.runtime.session_factory.begin() as session:
        # Unsubscribed some other way (the classifier's path) with the row still queued.
        (await session.get(Graduate, graduate_id)).unsubscribed_at = await session.scalar(
            select(OutboxMessage.created_at)
        )
    before = len(await _graduate_texts(room))
    await room.deliver()
    assert len(await _graduate_texts(room)) == before
    async with room.runtime.session_factory() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row.status is OutboxStatus.CANCELLED and row.last_error == "unsubscribed"


@pytest.mark.parametrize("word", ["退订", "STOP", "stop", "取消订阅", "别再发了！"])
async def test_stop_inside_a_checkin_question_unsubscribes(room: Staffroom, word: str) -> None:
    graduate_id = await _graduate(room)
    await _enqueue_checkin(room)
    await room.deliver()
    question = (await room.bot_messages(GRADUATE))[-1]
    await room.tap(GRADUATE, question["message_id"], button(question, "换了新工作"))
    assert "单位" in (await _graduate_texts(room))[-1]  # asked for the employer
    await room.say(GRADUATE, word)
    assert "已退订" in (await _graduate_texts(room))[-1]
    async with room.runtime.session_factory() as session:
        person = await session.get(Graduate, graduate_id)
        answer = await session.scalar(select(CheckIn).where(CheckIn.graduate_id == graduate_id))
    assert person.unsubscribed_at is not None
    assert answer.employer is None  # "退订" was not taken as the employer's name


async def test_start_after_stop_says_messages_are_back_on(room: Staffroom) -> None:
    graduate_id = await _graduate(room)
    await room.say(GRADUATE, "退订")
    await room.say(GRADUATE, "/start")
    assert "重新开启" in (await _graduate_texts(room))[-1]
    async with room.runtime.session_factory() as session:
        assert (await session.get(Graduate, graduate_id)).unsubscribed_at is None


async def test_blocking_the_bot_opens_the_case_at_once_and_unblocking_tells_the_cadre(
    room: Staffroom,
) -> None:
    graduate_id = await _graduate(room)
    async with room.runtime.session_factory.begin() as session:
        await outbox.enqueue(
            session,
            outbox.Outgoing(
                key="notice:test",
                kind="notice",
                chat_id=GRADUATE,
                text="岗位通知",
                graduate_id=graduate_id,
            ),
        )
    await room.block(GRADUATE)
    async with room.runtime.session_factory() as session:
        person = await session.get(Graduate, graduate_id)
        case = await session.scalar(select(Case).where(Case.graduate_id == graduate_id))
        queued = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
    assert person.unreachable_at is not None
    assert case is not None and case.reason is CaseReason.BLOCKED
    assert queued.status is OutboxStatus.CANCELLED and queued.last_error == "blocked"
    await room.deliver()
    cadre_texts = [m["text"] for m in await room.bot_messages(CADRE)]
    assert any("屏蔽" in t for t in cadre_texts)

    await room.block(GRADUATE, blocked=False)
    async with room.runtime.session_factory() as session:
        assert (await session.get(Graduate, graduate_id)).unreachable_at is None
    await room.deliver()
    assert any("重新打开" in m["text"] for m in await room.bot_messages(CADRE))


async def test_a_cadre_saying_stop_is_not_told_they_unsubscribed(room: Staffroom) -> None:
    await _graduate(room)
    await room.say(CADRE, "退订")
    assert "已退订" not in (await room.bot_messages(CADRE))[-1]["text"]

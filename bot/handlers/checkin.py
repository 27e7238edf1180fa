"""Monthly check-in answers and the employment details that follow:

```mermaid
stateDiagram-v2
    [*] --> answered: tap a status (or say it in words, see talk.py)
    answered --> employer: 还在原单位 / 换了新工作
    employer --> work_place --> income --> stable --> [*]
    answered --> until: 升学/参军
    until --> [*]
    answered --> [*]: 失业了 (case to the cadre) / 找工作 / 创业 (policy info)
```
"""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import CheckinAnswer, CheckinDetail
from yulu.bot.choices import show_choice
from yulu.bot.keyboards import detail_keyboard
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput
from yulu.core.i18n import Translator
from yulu.services import checkin, people
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Graduate

router = Router(name="checkin")


class CheckinFlow(StatesGroup):
    detail = State()  # data: period, field


@router.callback_query(CheckinAnswer.filter())
async def status_tapped(
    query: CallbackQuery,
    callback_data: CheckinAnswer,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
) -> None:
    """A tap on the monthly question: record it and start the category's follow-up."""
    await query.answer()
    graduate = await people.graduate_for_user(session, query.from_user.id)
    if graduate is None:
        await query.message.answer(t("checkin-not-registered"))
        return
    await show_choice(query, t)
    await answer_status(
        query.message,
        session,
        state,
        t,
        cipher,
        graduate,
        period=callback_data.period,
        choice=callback_data.choice,
        via="button",
    )


async def answer_status(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    graduate: Graduate,
    *,
    period: str,
    choice: str,
    via: str,
) -> None:
    """Record a status (tapped or understood from text); say and ask what comes next at once."""
    follow_up = await checkin.record_choice(
        session, cipher, t, graduate, period=period, choice=choice, via=via
    )
    if follow_up.next_question is None:
        await state.clear()
        await message.answer(t(follow_up.reply))
        return
    await state.set_state(CheckinFlow.detail)
    await state.set_data({"period": period, "field": follow_up.next_question})
    await _ask(message, t, follow_up.next_question, prefix=t(follow_up.reply))


@router.message(CheckinFlow.detail, ~F.text.startswith("/"))
async def detail_typed(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """A typed employment detail (employer, place, income like 三千八, year)."""
    await _detail(message, session, state, t, cipher, settings, message.text)


@router.callback_query(CheckinFlow.detail, CheckinDetail.filter())
async def detail_tapped(
    query: CallbackQuery,
    callback_data: CheckinDetail,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """A tapped employment detail (income band, stable, year)."""
    await query.answer()
    await show_choice(query, t)
    await _detail(query.message, session, state, t, cipher, settings, callback_data.value)


async def _detail(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
    value: str | None,
) -> None:
    data = await state.get_data()
    graduate = await people.graduate_for_user(session, message.chat.id)
    if graduate is None:
        await state.clear()
        return
    try:
        next_field = await checkin.record_detail(
            session,
            cipher,
            t,
            graduate,
            period=data["period"],
            field=data["field"],
            value=value,
            low_income_line=settings.cases.low_income_line,
        )
    except InvalidInput as exc:
        key = f"checkin-reask-{exc.reason}"
        reason = t(key if t.has(key) else "checkin-reask-empty")
        await _ask(message, t, data["field"], prefix=reason)
        return
    if next_field is None:
        await state.clear()
        await message.answer(
            t("checkin-done-until" if data["field"] == "until" else "checkin-done")
        )
        return
    await state.update_data(field=next_field)
    await _ask(message, t, next_field)


async def _ask(message: Message, t: Translator, field: str, *, prefix: str = "") -> None:
    """One detail question (after `prefix`: a thank-you or what was wrong), in one message."""
    question = t(f"checkin-ask-{field}")
    await message.answer(
        f"{prefix}\n{question}" if prefix else question,
        reply_markup=detail_keyboard(t, field, this_year=date.today().year),
    )

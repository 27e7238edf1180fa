"""Monthly check-in answers and the employment details that follow:

```mermaid
stateDiagram-v2
    [*] --> answered: tap a status (or say it in words: services/conversation.py)
    answered --> employer: 还在原单位 / 换了新工作
    employer --> work_place --> income --> stable --> [*]
    answered --> until: 升学/参军
    until --> [*]
    answered --> [*]: 失业了 (case to the cadre) / 找工作 / 创业 (policy info)
```
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from yulu.bot.callbacks import CheckinAnswer, CheckinDetail
from yulu.bot.choices import show_choice
from yulu.bot.filters import NOT_COMMAND, IsGraduate
from yulu.bot.replies import CheckinFlow, ask_detail, send_follow_up
from yulu.core.errors import InvalidInput
from yulu.services import checkin
from yulu.services.context import ServiceContext
from yulu.storage.models import Graduate

router = Router(name="checkin")
# Signed-up graduates only: the fallback tells everyone else to sign up first.
router.message.filter(IsGraduate())
router.callback_query.filter(IsGraduate())


@router.callback_query(CheckinAnswer.filter())
async def status_tapped(
    query: CallbackQuery,
    callback_data: CheckinAnswer,
    state: FSMContext,
    ctx: ServiceContext,
    graduate: Graduate,
) -> None:
    """A tap on the monthly question: record it and start the category's follow-up."""
    await query.answer()
    await show_choice(query, ctx.t)
    follow_up = await checkin.record_choice(
        ctx.session,
        ctx.cipher,
        ctx.t,
        graduate,
        period=callback_data.period,
        choice=callback_data.choice,
        via="button",
    )
    await send_follow_up(query.message, state, ctx.t, follow_up, period=callback_data.period)


@router.message(StateFilter(CheckinFlow.detail), NOT_COMMAND)
async def detail_typed(
    message: Message, state: FSMContext, ctx: ServiceContext, graduate: Graduate
) -> None:
    """A typed employment detail (employer, place, income like 三千八, year)."""
    await _detail(message, state, ctx, graduate, message.text)


@router.callback_query(StateFilter(CheckinFlow.detail), CheckinDetail.filter())
async def detail_tapped(
    query: CallbackQuery,
    callback_data: CheckinDetail,
    state: FSMContext,
    ctx: ServiceContext,
    graduate: Graduate,
) -> None:
    """A tapped employment detail (income band, stable, year)."""
    await query.answer()
    await show_choice(query, ctx.t)
    await _detail(query.message, state, ctx, graduate, callback_data.value)


async def _detail(
    message: Message,
    state: FSMContext,
    ctx: ServiceContext,
    graduate: Graduate,
    value: str | None,
) -> None:
    t = ctx.t
    data = await state.get_data()
    try:
        next_field = await checkin.record_detail(
            ctx.session,
            ctx.cipher,
            t,
            graduate,
            period=data["period"],
            field=data["field"],
            value=value,
            low_income_line=ctx.settings.cases.low_income_line,
        )
    except InvalidInput as exc:
        key = f"checkin-reask-{exc.reason}"
        reason = t(key if t.has(key) else "checkin-reask-empty")
        await ask_detail(message, t, data["field"], prefix=reason)
        return
    if next_field is None:
        await state.clear()
        await message.answer(
            t("checkin-done-until" if data["field"] == "until" else "checkin-done")
        )
        return
    await state.update_data(field=next_field)
    await ask_detail(message, t, next_field)

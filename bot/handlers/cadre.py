"""Cadre commands (帮扶干部). The whole router only lets bound cadres in."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import CaseAction, CaseOutcome
from yulu.bot.filters import IsCadre
from yulu.bot.keyboards import outcome_keyboard, render
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import cases as cases_service
from yulu.services import graduates
from yulu.services.actions import case_choices
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Cadre

router = Router(name="cadre")
router.message.filter(IsCadre())
router.callback_query.filter(IsCadre())
MAX_LISTED = 30


@router.message(Command("mygraduates"))
async def my_graduates(
    message: Message, session: AsyncSession, cadre: Cadre, t: Translator, cipher: FieldCipher
) -> None:
    """The cadre's own graduates, masked."""
    lines = []
    async for graduate in graduates.iter_graduates(session, cadre_id=cadre.id):
        row = graduates.row_for(graduate, cipher, t, full=False)
        lines.append(t("cadre-graduate-line", **row))
        if len(lines) >= MAX_LISTED:
            break
    text = "\n".join(lines) if lines else t("cadre-no-graduates")
    await message.answer(t("cadre-graduates-title", name=cadre.name) + "\n" + text)


class CaseFlow(StatesGroup):
    note = State()  # data: case_id
    handover = State()  # data: case_id


@router.message(Command("cases"))
async def my_cases(
    message: Message,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """The cadre's own open cases, newest first."""
    rows = await cases_service.open_cases(session, cadre, cipher, t, tz=settings.timezone)
    lines = [t("case-list-line", **row) for row in rows]
    await message.answer(
        t("case-list-title") + "\n" + "\n".join(lines) if lines else t("case-list-empty")
    )


@router.message(Command("case"))
async def one_case(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
) -> None:
    """One of the cadre's cases in full (masked), with its buttons."""
    if not command.args or not command.args.strip().lstrip("#").isdigit():
        await message.answer(t("case-usage"))
        return
    case = await cases_service.case_for_cadre(session, int(command.args.strip().lstrip("#")), cadre)
    await message.answer(
        cases_service.case_text(t, cipher, case),
        reply_markup=render(t, case_choices(case.id)),
    )


@router.callback_query(CaseAction.filter(F.action == "ack"))
async def acknowledge(
    query: CallbackQuery,
    callback_data: CaseAction,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
) -> None:
    """受理."""
    case = await cases_service.case_for_cadre(session, callback_data.case_id, cadre)
    await cases_service.acknowledge(session, case, cadre)
    await query.answer(t("case-acknowledged", id=case.id))
    await query.message.answer(t("case-acknowledged", id=case.id))


@router.callback_query(CaseAction.filter(F.action.in_({"note", "handover"})))
async def ask_text(
    query: CallbackQuery,
    callback_data: CaseAction,
    session: AsyncSession,
    cadre: Cadre,
    state: FSMContext,
    t: Translator,
) -> None:
    """备注 or 转交: ask for the note text or the other cadre's phone."""
    case = await cases_service.case_for_cadre(session, callback_data.case_id, cadre)
    await query.answer()
    flow = CaseFlow.note if callback_data.action == "note" else CaseFlow.handover
    await state.set_state(flow)
    await state.set_data({"case_id": case.id})
    await query.message.answer(t("case-ask-note" if flow == CaseFlow.note else "case-ask-handover"))


@router.message(CaseFlow.note, ~F.text.startswith("/"))
async def save_note(
    message: Message, session: AsyncSession, cadre: Cadre, state: FSMContext, t: Translator
) -> None:
    """The note text."""
    case = await cases_service.case_for_cadre(session, (await state.get_data())["case_id"], cadre)
    try:
        await cases_service.add_note(session, case, cadre, message.text)
    except InvalidInput:
        await message.answer(t("case-ask-note"))
        return
    await state.clear()
    await message.answer(t("case-note-saved", id=case.id))


@router.message(CaseFlow.handover, ~F.text.startswith("/"))
async def hand_over(
    message: Message,
    session: AsyncSession,
    cadre: Cadre,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
) -> None:
    """The phone of the cadre who takes the case over."""
    case = await cases_service.case_for_cadre(session, (await state.get_data())["case_id"], cadre)
    try:
        target = await cases_service.hand_over(session, cipher, t, case, cadre, message.text)
    except (InvalidInput, NotFound):
        await message.answer(t("case-handover-unknown"))
        return
    await state.clear()
    await message.answer(t("case-handed-over", name=target.name))


@router.callback_query(CaseAction.filter(F.action == "resolve"))
async def ask_outcome(
    query: CallbackQuery,
    callback_data: CaseAction,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
) -> None:
    """办结: choose the outcome."""
    case = await cases_service.case_for_cadre(session, callback_data.case_id, cadre)
    await query.answer()
    await query.message.answer(t("case-ask-outcome"), reply_markup=outcome_keyboard(t, case.id))


@router.callback_query(CaseOutcome.filter())
async def resolve(
    query: CallbackQuery,
    callback_data: CaseOutcome,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
) -> None:
    """The outcome tapped: the case is resolved."""
    case = await cases_service.case_for_cadre(session, callback_data.case_id, cadre)
    await cases_service.resolve(session, case, cadre, callback_data.outcome)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        t("case-resolved", id=case.id, outcome=t(f"case-outcome-{callback_data.outcome}"))
    )

"""Staff commands (帮扶干部 and administrators). The whole router only lets bound staff in.

Every message about a case follows the case: after an action the alert (and every other alert
about the case, in every staff chat) is edited to the case's state and the buttons that still
apply. An action the state does not allow is answered with the state and changes nothing.

```mermaid
stateDiagram-v2
    [*] --> open: opened (alert to the first reachable on the chain)
    open --> acknowledged: 受理
    open --> following: 办结 · 已联系，持续跟进
    acknowledged --> following: 办结 · 已联系，持续跟进
    open --> resolved: 办结 (other outcomes)
    acknowledged --> resolved: 办结
    following --> resolved: 办结
    following --> following: 备注 / 转交
```
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import CaseAction, CaseOutcome
from yulu.bot.editing import TelegramCaseMessages, set_staff_commands
from yulu.bot.filters import NOT_COMMAND, TEXT, IsCadre
from yulu.bot.keyboards import outcome_keyboard, render
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import cases as cases_service
from yulu.services import graduates
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Cadre, Case

router = Router(name="cadre")
router.message.filter(IsCadre())
router.callback_query.filter(IsCadre())
MAX_LISTED = 30


class CaseFlow(StatesGroup):
    note = State()  # data: case_id
    handover = State()  # data: case_id


@router.message(CommandStart(deep_link=False))
@router.message(Command("help"))
async def staff_help(message: Message, bot: Bot, cadre: Cadre, t: Translator) -> None:
    """Staff get their own welcome, help and ☰ menu, never the graduate's sign-up."""
    await set_staff_commands(bot, t, message.chat.id)
    level = t(f"staff-level-{cadre.level.value}") if cadre.level else ""
    await message.answer(t("staff-help", name=cadre.name, level=level))


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


async def _case(session: AsyncSession, case_id: int, cadre: Cadre, settings: Settings) -> Case:
    return await cases_service.case_for_staff(
        session, case_id, cadre, levels=settings.cases.supervisor_levels
    )


@router.message(Command("case"))
async def one_case(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """One case in full (masked), every event of it, and the buttons that apply."""
    number = (command.args or "").strip().lstrip("#")
    if not number.isdigit():
        await message.answer(t("case-usage"))
        return
    case = await _case(session, int(number), cadre, settings)
    events = await cases_service.history(session, t, case, tz=settings.timezone)
    lines = [t("case-history-line", **{**e, "note": e["note"] or "none"}) for e in events]
    current = cases_service.view(t, cipher, case)
    text = current.text + "\n" + t("case-history-title") + "\n" + "\n".join(lines)
    await message.answer(text, reply_markup=render(t, current.buttons))


async def _refresh(
    query: CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    t: Translator,
    cipher: FieldCipher,
    case: Case,
) -> None:
    """Edit the tapped message and every alert about the case to the case as it is now."""
    also = [(query.message.chat.id, query.message.message_id)] if query.message else []
    await cases_service.refresh(session, cipher, t, case, TelegramCaseMessages(bot, t), also=also)


async def _wrong_state(
    query: CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    t: Translator,
    cipher: FieldCipher,
    case: Case,
) -> None:
    """Answer with the case's state and bring the message up to date; nothing else changes."""
    state = t(f"case-status-{case.status.value}")
    await query.answer(t("case-wrong-state", id=case.id, state=state), show_alert=True)
    await _refresh(query, bot, session, t, cipher, case)


@router.callback_query(CaseAction.filter(F.action == "ack"))
async def acknowledge(
    query: CallbackQuery,
    callback_data: CaseAction,
    bot: Bot,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """受理 (once: a second tap is answered with the state)."""
    case = await _case(session, callback_data.case_id, cadre, settings)
    try:
        await cases_service.acknowledge(session, case, cadre, t=t)
    except cases_service.WrongState:
        await _wrong_state(query, bot, session, t, cipher, case)
        return
    await query.answer(t("case-acknowledged", id=case.id))
    await _refresh(query, bot, session, t, cipher, case)


@router.callback_query(CaseAction.filter(F.action.in_({"note", "handover"})))
async def ask_text(
    query: CallbackQuery,
    callback_data: CaseAction,
    bot: Bot,
    session: AsyncSession,
    cadre: Cadre,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """备注 or 转交: ask for the note text or the other cadre's phone."""
    case = await _case(session, callback_data.case_id, cadre, settings)
    if callback_data.action not in cases_service.allowed_actions(case):
        await _wrong_state(query, bot, session, t, cipher, case)
        return
    await query.answer()
    flow = CaseFlow.note if callback_data.action == "note" else CaseFlow.handover
    await state.set_state(flow)
    await state.set_data({"case_id": case.id})
    await query.message.answer(t("case-ask-note" if flow == CaseFlow.note else "case-ask-handover"))


@router.message(StateFilter(CaseFlow.note), TEXT, NOT_COMMAND)
async def save_note(
    message: Message,
    session: AsyncSession,
    cadre: Cadre,
    state: FSMContext,
    t: Translator,
    settings: Settings,
) -> None:
    """The note text."""
    case = await _case(session, (await state.get_data())["case_id"], cadre, settings)
    try:
        await cases_service.add_note(session, case, cadre, message.text, t=t)
    except cases_service.WrongState:
        await state.clear()
        await message.answer(t("case-wrong-state", id=case.id, state=_state(t, case)))
        return
    except InvalidInput:
        await message.answer(t("case-ask-note"))
        return
    await state.clear()
    await message.answer(t("case-note-saved", id=case.id))


def _state(t: Translator, case: Case) -> str:
    return t(f"case-status-{case.status.value}")


@router.message(StateFilter(CaseFlow.handover), TEXT, NOT_COMMAND)
async def hand_over(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    cadre: Cadre,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """The phone of the cadre who takes the case over."""
    case = await _case(session, (await state.get_data())["case_id"], cadre, settings)
    try:
        target = await cases_service.hand_over(session, cipher, t, case, cadre, message.text)
    except cases_service.WrongState:
        await state.clear()
        await message.answer(t("case-wrong-state", id=case.id, state=_state(t, case)))
        return
    except (InvalidInput, NotFound):
        await message.answer(t("case-handover-unknown"))
        return
    await state.clear()
    await message.answer(t("case-handed-over", name=target.name))
    await cases_service.refresh(session, cipher, t, case, TelegramCaseMessages(bot, t))


@router.callback_query(CaseAction.filter(F.action == "resolve"))
async def ask_outcome(
    query: CallbackQuery,
    callback_data: CaseAction,
    bot: Bot,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """办结: choose the outcome."""
    case = await _case(session, callback_data.case_id, cadre, settings)
    if "resolve" not in cases_service.allowed_actions(case):
        await _wrong_state(query, bot, session, t, cipher, case)
        return
    await query.answer()
    await query.message.answer(t("case-ask-outcome"), reply_markup=outcome_keyboard(t, case.id))


@router.callback_query(CaseOutcome.filter())
async def resolve(
    query: CallbackQuery,
    callback_data: CaseOutcome,
    bot: Bot,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """The outcome tapped: resolved, or kept open as 跟进中."""
    case = await _case(session, callback_data.case_id, cadre, settings)
    try:
        await cases_service.resolve(session, case, cadre, callback_data.outcome, t=t)
    except cases_service.WrongState:
        await query.answer(t("case-wrong-state", id=case.id, state=_state(t, case)))
        await query.message.edit_reply_markup(reply_markup=None)
        return
    outcome = t(f"case-outcome-{callback_data.outcome}")
    key = "case-resolved" if case.resolved_at else "case-following"
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)  # one outcome per 办结
    await query.message.answer(t(key, id=case.id, outcome=outcome))
    await cases_service.refresh(session, cipher, t, case, TelegramCaseMessages(bot, t))


@router.callback_query(CaseAction.filter(F.action == "phone"))
async def reveal_phone(
    query: CallbackQuery,
    callback_data: CaseAction,
    bot: Bot,
    session: AsyncSession,
    cadre: Cadre,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
) -> None:
    """查看电话: the full number in this message for a few minutes, on the record."""
    case = await _case(session, callback_data.case_id, cadre, settings)
    try:
        shown = await cases_service.reveal_phone(
            session,
            cipher,
            t,
            case,
            cadre,
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            minutes=settings.cases.reveal_minutes,
        )
    except cases_service.WrongState:
        await _wrong_state(query, bot, session, t, cipher, case)
        return
    await query.answer()
    await TelegramCaseMessages(bot, t).edit(
        chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        text=shown.text,
        buttons=shown.buttons,
    )

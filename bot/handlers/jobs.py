"""Jobs and internships (岗位推送) in the chat: /jobs and paging, 感兴趣/报名, 不合适 and why.

```mermaid
stateDiagram-v2
    [*] --> match: /jobs, 💼 找工作, 有什么工作 / 有实习吗 (talk router calls show_jobs)
    match --> match: ◀ 上一个 / 下一个 ▶ (the same message, edited)
    notice --> interested: 感兴趣/报名
    match --> interested: 感兴趣/报名 (interest recorded, the cadre told)
    notice --> why: 不合适
    match --> why: 不合适 (recorded at once)
    why --> [*]: 地点 / 工资 / 专业工种 / 其他 (the reason recorded)
```
No conversation state: every button carries the posting and page it is about.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import JobAction, JobPage, MenuAction
from yulu.bot.filters import IsGraduate
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import matching
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Graduate

router = Router(name="jobs")
# Signed-up graduates only: the fallback tells everyone else to sign up first.
router.message.filter(IsGraduate())
router.callback_query.filter(IsGraduate())


@router.message(Command("jobs"))
async def jobs_command(
    message: Message, session: AsyncSession, t: Translator, settings: Settings, graduate: Graduate
) -> None:
    """/jobs: the best current match, with paging."""
    await show_jobs(message, session, t, graduate=graduate, settings=settings)


@router.callback_query(MenuAction.filter(F.action == "jobs"))
async def jobs_button(
    query: CallbackQuery,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    graduate: Graduate,
) -> None:
    """The 💼 找工作 menu button."""
    await query.answer()
    await show_jobs(query.message, session, t, graduate=graduate, settings=settings)


@router.callback_query(JobPage.filter())
async def turn_page(
    query: CallbackQuery,
    callback_data: JobPage,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    graduate: Graduate,
) -> None:
    """◀ 上一个 / 下一个 ▶: show another match in the same message."""
    await query.answer()
    await show_jobs(
        query.message,
        session,
        t,
        graduate=graduate,
        settings=settings,
        kind=callback_data.kind or None,
        index=callback_data.page,
        edit=True,
    )


async def show_jobs(
    message: Message,
    session: AsyncSession,
    t: Translator,
    *,
    graduate: Graduate,
    settings: Settings,
    kind: str | None = None,
    index: int = 0,
    edit: bool = False,
) -> None:
    """Reply with the graduate's best current match (kind "internship": internships and 见习)."""
    page = await matching.match_page(
        session, t, graduate, settings=settings, kind=kind, index=index
    )
    offer_opt_in = await matching.may_opt_in(session, graduate)
    text, markup = _page_view(t, page, kind=kind, offer_opt_in=offer_opt_in)
    if edit:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest:  # too old to edit, or nothing changed: say it anew
            pass
    await message.answer(text, reply_markup=markup)


def _page_view(
    t: Translator, page: matching.MatchPage, *, kind: str | None, offer_opt_in: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    suffix = "-internship" if kind == "internship" else ""
    rows: list[list[InlineKeyboardButton]] = []
    if page.posting_id is None:
        text = t(f"jobs-none{suffix}")
    else:
        header = t(f"jobs-page-header{suffix}", total=page.total, number=page.index + 1)
        text = f"{header}\n{page.text}"
        rows.append(_posting_buttons(t, page.posting_id))
        rows.append(_paging_buttons(t, page, kind=kind or ""))
    if offer_opt_in:
        text += "\n\n" + t("jobs-employed-note")
        rows.append([_job_button(t("jobs-button-opt-in"), "optin")])
    rows = [row for row in rows if row]
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _job_button(
    text: str, action: str, posting_id: int = 0, value: str = ""
) -> InlineKeyboardButton:
    data = JobAction(action=action, posting_id=posting_id, value=value).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _posting_buttons(t: Translator, posting_id: int) -> list[InlineKeyboardButton]:
    return [
        _job_button(t("jobs-button-interested"), "in", posting_id),
        _job_button(t("jobs-button-decline"), "no", posting_id),
    ]


def _paging_buttons(
    t: Translator, page: matching.MatchPage, *, kind: str
) -> list[InlineKeyboardButton]:
    turns = [("jobs-button-previous", page.index - 1), ("jobs-button-next", page.index + 1)]
    return [
        InlineKeyboardButton(text=t(key), callback_data=JobPage(kind=kind, page=index).pack())
        for key, index in turns
        if 0 <= index < page.total
    ]


def decline_keyboard(t: Translator, posting_id: int) -> InlineKeyboardMarkup:
    """Why 不合适: place, pay, trade, other."""
    buttons = [
        _job_button(t(f"jobs-decline-{r.value}"), "why", posting_id, r.value)
        for r in matching.DECLINE_REASONS
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[:2], buttons[2:]])


# --- 感兴趣/报名 and 不合适 ---------------------------------------------------------------------


@router.callback_query(JobAction.filter(F.action == "in"))
async def interested(
    query: CallbackQuery,
    callback_data: JobAction,
    session: AsyncSession,
    t: Translator,
    cipher: FieldCipher,
    settings: Settings,
    graduate: Graduate,
) -> None:
    """感兴趣/报名: record it, tell the cadre, and show how to apply."""
    await query.answer()
    try:
        interest = await matching.record_interest(
            session, t, cipher, graduate, callback_data.posting_id, settings=settings
        )
    except (InvalidInput, NotFound):
        await query.message.answer(t("jobs-closed"))
        return
    posting = interest.posting
    recorded = "jobs-interest-recorded" if interest.new else "jobs-interest-again"
    lines = [
        t(recorded, title=posting.title),
        t("jobs-interest-apply", how=posting.apply_how),
        t("jobs-interest-cadre", cadre=interest.cadre_name)
        if interest.cadre_name
        else t("jobs-interest-no-cadre"),
    ]
    await query.message.answer("\n".join(lines))


@router.callback_query(JobAction.filter(F.action == "no"))
async def not_suitable(
    query: CallbackQuery,
    callback_data: JobAction,
    session: AsyncSession,
    t: Translator,
    graduate: Graduate,
) -> None:
    """不合适: recorded at once, then asked why."""
    await query.answer()
    try:
        await matching.decline(session, graduate, callback_data.posting_id)
    except NotFound:
        await query.message.answer(t("jobs-closed"))
        return
    await query.message.answer(
        t("jobs-decline-ask"), reply_markup=decline_keyboard(t, callback_data.posting_id)
    )


@router.callback_query(JobAction.filter(F.action == "why"))
async def decline_reason(
    query: CallbackQuery,
    callback_data: JobAction,
    session: AsyncSession,
    t: Translator,
    graduate: Graduate,
) -> None:
    """The reason for 不合适 (place, pay, trade, other)."""
    await query.answer()
    reasons = {r.value for r in matching.DECLINE_REASONS}
    if callback_data.value not in reasons:
        return
    try:
        await matching.decline(
            session,
            graduate,
            callback_data.posting_id,
            matching.RejectionReason(callback_data.value),
        )
    except NotFound:
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(t("jobs-decline-thanks"))


@router.callback_query(JobAction.filter(F.action == "optin"))
async def opt_in(
    query: CallbackQuery,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    graduate: Graduate,
) -> None:
    """An employed graduate asks for notices all the same."""
    await query.answer()
    await matching.opt_in(session, graduate)
    await query.message.answer(t("jobs-opted-in", cap=settings.matching.weekly_cap))

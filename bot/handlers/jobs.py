"""Jobs and internships (岗位推送) in the chat: /jobs and paging, 感兴趣/报名, 不合适 and why.

```mermaid
stateDiagram-v2
    [*] --> match: /jobs, 💼 找工作, 有什么工作 / 有实习吗 (services/conversation decides)
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
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot import replies
from yulu.bot.callbacks import JobAction, JobPage, MenuAction
from yulu.bot.filters import IsGraduate
from yulu.bot.keyboards import render
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import matching
from yulu.services.context import ServiceContext
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Graduate

router = Router(name="jobs")
# Signed-up graduates only: the fallback tells everyone else to sign up first.
router.message.filter(IsGraduate())
router.callback_query.filter(IsGraduate())


@router.message(Command("jobs"))
async def jobs_command(message: Message, ctx: ServiceContext, graduate: Graduate) -> None:
    """/jobs: the best current match, with paging."""
    await replies.show_jobs(message, ctx, graduate)


@router.callback_query(MenuAction.filter(F.action == "jobs"))
async def jobs_button(query: CallbackQuery, ctx: ServiceContext, graduate: Graduate) -> None:
    """The 💼 找工作 menu button."""
    await query.answer()
    await replies.show_jobs(query.message, ctx, graduate)


@router.callback_query(JobPage.filter())
async def turn_page(
    query: CallbackQuery, callback_data: JobPage, ctx: ServiceContext, graduate: Graduate
) -> None:
    """◀ 上一个 / 下一个 ▶: show another match in the same message."""
    await query.answer()
    await replies.show_jobs(
        query.message,
        ctx,
        graduate,
        kind=callback_data.kind or None,
        index=callback_data.page,
        edit=True,
    )


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
        t("jobs-decline-ask"),
        reply_markup=render(t, matching.decline_choices(callback_data.posting_id)),
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

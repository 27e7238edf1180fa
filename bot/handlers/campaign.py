"""Answers to seasonal campaigns (入学季/毕业季): one tap, recorded in the ledger.

```mermaid
stateDiagram-v2
    [*] --> recorded: tap an answer under the campaign message (the buttons go away)
    recorded --> [*]: the answer's reply (a later tap on an old copy changes the answer)
```
No conversation state: every button carries the campaign, its year and the answer.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import CampaignChoice
from yulu.bot.filters import IsGraduate
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import campaigns
from yulu.storage.models import Graduate

router = Router(name="campaign")
router.callback_query.filter(IsGraduate())  # others get "not registered" from the fallback


@router.callback_query(CampaignChoice.filter())
async def answer_tapped(
    query: CallbackQuery,
    callback_data: CampaignChoice,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    graduate: Graduate,
) -> None:
    """Record the tapped answer and reply to it."""
    await query.answer()
    try:
        reply = await campaigns.record_answer(
            session,
            settings.campaigns,
            graduate,
            name=callback_data.campaign,
            edition=callback_data.edition,
            value=callback_data.value,
        )
    except (InvalidInput, NotFound):
        await query.message.answer(t("campaign-answer-closed"))
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(t(reply))

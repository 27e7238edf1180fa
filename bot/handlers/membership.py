"""my_chat_member: a graduate blocks the bot (unreachable, a case at once) or comes back."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.i18n import Translator
from yulu.services import subscription
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Graduate

router = Router(name="membership")


@router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=KICKED))
async def blocked(
    event: ChatMemberUpdated,
    session: AsyncSession,
    t: Translator,
    cipher: FieldCipher,
    graduate: Graduate | None = None,
) -> None:
    """Blocked: unreachable now and the cadre gets the blocked case, before any send fails."""
    if graduate is not None:
        await subscription.blocked(session, cipher, t, graduate)


@router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=MEMBER))
async def back(
    event: ChatMemberUpdated, session: AsyncSession, t: Translator, graduate: Graduate | None = None
) -> None:
    """Unblocked: reachable again, and the cadre is told."""
    if graduate is not None:
        await subscription.reachable_again(session, t, graduate)

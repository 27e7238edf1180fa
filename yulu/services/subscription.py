"""Whether a graduate gets proactive messages: 退订 / STOP, /start again, blocking the bot.

STOP words are a deterministic list from config (`stop_words`), so they work in every
conversation state and before the NLU model has loaded; the classifier catches other wordings.
Stopping cancels every message already queued for the graduate's chat, and the sender checks
again right before each send (storage.outbox.undeliverable_reason), so nothing slips through.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.i18n import Translator
from yulu.services import assist, audit, checkin
from yulu.services.privacy import FieldCipher
from yulu.storage import outbox
from yulu.storage.cases import open_case_for
from yulu.storage.models import CaseEvent, CaseReason, Graduate

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _fold(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def is_stop_word(text: str | None, words: Iterable[str]) -> bool:
    """Whether a message is exactly one of the STOP words (case, spaces, punctuation ignored)."""
    if not text or len(text) > 20:
        return False
    folded = _fold(text)
    return bool(folded) and folded in {_fold(w) for w in words}


async def stop(session: AsyncSession, graduate: Graduate) -> int:
    """No proactive message from now on, queued ones included; returns how many were cancelled."""
    assist.unsubscribe(session, graduate)
    return await outbox.cancel_queued_for(
        session, graduate_id=graduate.id, chat_id=graduate.chat_id, reason="unsubscribed"
    )


def restart(session: AsyncSession, graduate: Graduate) -> bool:
    """/start after 退订: messages are on again; True when they had been off."""
    if graduate.unsubscribed_at is None:
        return False
    graduate.unsubscribed_at = None
    audit.record(
        session,
        actor=f"graduate:{graduate.id}",
        action="graduate.resubscribe",
        subject=f"graduate:{graduate.id}",
    )
    return True


async def blocked(
    session: AsyncSession, cipher: FieldCipher, t: Translator, graduate: Graduate
) -> None:
    """The graduate blocked the bot: unreachable now, the blocked case opens, the queue empties."""
    await checkin.mark_blocked(session, cipher, t, graduate)
    await outbox.cancel_queued_for(
        session, graduate_id=graduate.id, chat_id=graduate.chat_id, reason="blocked"
    )


async def reachable_again(session: AsyncSession, t: Translator, graduate: Graduate) -> bool:
    """The graduate unblocked the bot: reachable again, and whoever holds the case is told."""
    if graduate.unreachable_at is None:
        return False
    graduate.unreachable_at = None
    case = await open_case_for(session, graduate.id, CaseReason.BLOCKED)
    if case is not None:
        session.add(CaseEvent(case_id=case.id, actor=f"graduate:{graduate.id}", action="reachable"))
    owner = case.cadre if case is not None else graduate.cadre
    if owner is not None and owner.reachable:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        await outbox.enqueue(
            session,
            outbox.Outgoing(
                key=f"reachable:{graduate.id}:{stamp}",
                kind="notice",
                chat_id=owner.telegram_user_id,
                text=t("case-reachable-again", name=graduate.name, id=case.id if case else 0),
            ),
        )
    return True

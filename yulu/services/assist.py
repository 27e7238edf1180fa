"""What a graduate can ask for at any time: a person, or no more messages."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.i18n import Translator
from yulu.services import audit, cases
from yulu.services.privacy import FieldCipher
from yulu.storage.models import CaseReason, Graduate


async def request_human(
    session: AsyncSession, cipher: FieldCipher, t: Translator, graduate: Graduate, *, said: str = ""
) -> bool:
    """Open an asked-for-a-person case; True when an own cadre (not the county) was told."""
    await cases.open_case(
        session,
        cipher,
        t,
        graduate,
        CaseReason.ASKED_HUMAN,
        actor=f"graduate:{graduate.id}",
        detail=said[:200] or None,
    )
    return graduate.cadre is not None


def unsubscribe(session: AsyncSession, graduate: Graduate) -> None:
    """STOP / 退订: no proactive messages from now on; cases stay with the cadre."""
    if graduate.unsubscribed_at is None:
        graduate.unsubscribed_at = datetime.now(UTC)
        audit.record(
            session,
            actor=f"graduate:{graduate.id}",
            action="graduate.unsubscribe",
            subject=f"graduate:{graduate.id}",
        )


def resubscribe(graduate: Graduate) -> None:
    """/start again after unsubscribing."""
    graduate.unsubscribed_at = None

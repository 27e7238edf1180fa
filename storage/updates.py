"""Processed Telegram updates: the dedupe ledger behind "the same update twice has one effect".

A claim is checked at once and *written when the update's transaction commits*: the row goes
in by a `before_commit` hook, as the last statement before COMMIT. SQLite has one writer, and
an INSERT at the start of every update would hold that one write lock across the whole update
(state read, who is talking, the handler), serialising every update of every user behind it;
written last, a read-only update holds it for two statements. Nothing else changes: the row
still commits with the update's effects, and if a second delivery of the same update got past
the check at the same moment, its INSERT finds the first one's row and its commit fails —
rolling back its effects before any reply of its own went out (replies commit first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, event, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from yulu.storage.models import Cadre, ConversationState, Graduate, ProcessedUpdate, utcnow
from yulu.storage.queries import insert_for

CLAIMS = "yulu.update_claims"  # Session.info key: claims to write at commit


class AlreadyProcessed(Exception):
    """Another delivery of this update committed first; this transaction must not."""


@dataclass(frozen=True)
class UpdateStart:
    """What an update needs before its handler runs, read in one statement (open_update)."""

    seen: bool  # an earlier delivery already committed it: skip
    graduate: Graduate | None
    cadre: Cadre | None
    conversation: ConversationState | None  # the sender's FSM row, when there is one


_SEEN = exists().where(
    ProcessedUpdate.bot_id == bindparam("bot_id"),
    ProcessedUpdate.update_id == bindparam("update_id"),
)
# One row whatever matches: a one-row anchor, each lookup an outer join by a unique key.
_ANCHOR = select(literal(1).label("one")).subquery("anchor")
_START = (
    select(_SEEN.label("seen"), Graduate, Cadre, ConversationState)
    .select_from(_ANCHOR)
    .outerjoin(Graduate, Graduate.telegram_user_id == bindparam("user_id"))
    .outerjoin(Cadre, Cadre.telegram_user_id == bindparam("user_id"))
    .outerjoin(ConversationState, ConversationState.key == bindparam("key"))
    .execution_options(populate_existing=True)
)


async def open_update(
    session: AsyncSession,
    *,
    bot_id: int,
    update_id: int,
    user_id: int | None,
    conversation_key: str | None,
) -> UpdateStart:
    """Claim an update and read who sent it and their conversation, in one round trip.

    The dedupe check, the graduate and the cadre bound to the Telegram account and the FSM
    row would be four statements; an update of a busy bot is mostly these (README "Inbound
    speed"). The claim itself is written at commit, as with claim_update.
    """
    row = (
        await session.execute(
            _START,
            {
                "bot_id": bot_id,
                "update_id": update_id,
                "user_id": user_id,
                "key": conversation_key,
            },
        )
    ).one()
    start = UpdateStart(bool(row.seen), row.Graduate, row.Cadre, row.ConversationState)
    if not start.seen:
        _add_claim(session, bot_id, update_id)
    return start


async def claim_update(session: AsyncSession, *, bot_id: int, update_id: int) -> bool:
    """Claim an update for this transaction; False when an earlier delivery already has it."""
    if await session.scalar(select(_SEEN), {"bot_id": bot_id, "update_id": update_id}):
        return False
    _add_claim(session, bot_id, update_id)
    return True


def _add_claim(session: AsyncSession, bot_id: int, update_id: int) -> None:
    session.sync_session.info.setdefault(CLAIMS, []).append(
        {"bot_id": bot_id, "update_id": update_id}
    )


_CLAIM: dict[str, Any] = {}  # dialect name -> the prepared INSERT … ON CONFLICT DO NOTHING


def _claim_statement(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect not in _CLAIM:
        _CLAIM[dialect] = (
            insert_for(session, ProcessedUpdate)
            .values(
                bot_id=bindparam("bot_id"),
                update_id=bindparam("update_id"),
                processed_at=bindparam("processed_at"),
            )
            .on_conflict_do_nothing()
        )
    return _CLAIM[dialect]


@event.listens_for(Session, "before_commit")
def _write_claims(session: Session) -> None:
    """Write the transaction's update claims as its last statements (see the module doc)."""
    claims: list[dict[str, Any]] = session.info.pop(CLAIMS, [])
    for claim in claims:
        values = {**claim, "processed_at": utcnow()}
        if session.connection().execute(_claim_statement(session), values).rowcount != 1:
            raise AlreadyProcessed(f"update {claim['update_id']} was processed by another delivery")


@event.listens_for(Session, "after_rollback")
def _drop_claims(session: Session) -> None:
    session.info.pop(CLAIMS, None)


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop old dedupe rows (Telegram never redelivers after a day)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    )
    return result.rowcount

"""The one place errors become replies: domain errors get their text, the rest an apology."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, ErrorEvent, Message

from yulu.core.errors import NotAllowed, NotFound
from yulu.core.i18n import Translator

log = logging.getLogger(__name__)
router = Router(name="errors")

REPLY_KEYS: dict[type[Exception], str] = {
    NotAllowed: "error-not-allowed",
    NotFound: "error-not-found",
}


def _reply_target(event: ErrorEvent) -> Message | CallbackQuery | None:
    update = event.update
    return update.message or update.callback_query


@router.errors()
async def on_error(event: ErrorEvent, t: Translator) -> bool:
    """Log the failure with its update, apologise to the user, keep serving."""
    exc = event.exception
    key = next((k for cls, k in REPLY_KEYS.items() if isinstance(exc, cls)), "error-apology")
    if key == "error-apology":
        log.error(
            "handler failed on update %s: %r",
            event.update.update_id,
            exc,
            exc_info=exc,
            extra={"update_type": event.update.event_type},
        )
    target = _reply_target(event)
    if isinstance(target, CallbackQuery):  # the query may already be answered: write instead
        target = target.message
    try:
        if isinstance(target, Message):
            await target.answer(t(key))
    except Exception:
        log.exception("could not send the apology for update %s", event.update.update_id)
    return True

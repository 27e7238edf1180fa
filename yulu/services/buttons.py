"""Inline keyboards for proactive messages, as plain Telegram JSON for the outbox.

The callback strings here are the packed form of the CallbackData classes in bot/callbacks.py
("prefix:field:field"); tests unpack them with those classes to keep both in step.
"""

from __future__ import annotations

from typing import Any

from yulu.core.i18n import Translator

Button = dict[str, str]


def inline(rows: list[list[Button]]) -> dict[str, Any]:
    """An InlineKeyboardMarkup as JSON."""
    return {"inline_keyboard": rows}


def button(text: str, data: str) -> Button:
    return {"text": text, "callback_data": data}


def case_buttons(t: Translator, case_id: int) -> list[list[Button]]:
    """受理 / 备注 / 办结 / 转交 under a case alert (CaseAction, prefix "ca")."""
    return [
        [
            button(t("case-btn-ack"), f"ca:ack:{case_id}"),
            button(t("case-btn-note"), f"ca:note:{case_id}"),
        ],
        [
            button(t("case-btn-resolve"), f"ca:resolve:{case_id}"),
            button(t("case-btn-handover"), f"ca:handover:{case_id}"),
        ],
    ]


CHECKIN_CHOICES = (
    "employed_same",
    "employed_new",
    "self_employed",
    "seeking",
    "lost_job",
    "further_study",
)


def checkin_buttons(t: Translator, period: str) -> list[list[Button]]:
    """The monthly status question's answers (CheckinAnswer, prefix "ci")."""
    buttons = [button(t(f"checkin-choice-{c}"), f"ci:{period}:{c}") for c in CHECKIN_CHOICES]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]

"""What someone can do next, as data; the channel decides how it looks.

A service says "under this message offer 受理, which means ("case", "ack", 42)". The Telegram
channel packs each action into one of the CallbackData factories in bot/callbacks.py (which
also enforces Telegram's 64-byte limit), a web console renders a form, another messenger its
own cards. Outbox rows keep the buttons in this neutral shape as JSON and the channel renders
them when it sends, so a queued message does not depend on the channel either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Action = tuple[str | int, ...]
"""(kind, verb, *arguments): ("case", "ack", 42), ("checkin", "answer", "2026-07", "seeking")."""


@dataclass(frozen=True)
class Choice:
    """One button: a locale key for its label (and the label's arguments) and its action."""

    label: str
    action: Action
    label_args: Mapping[str, Any] = field(default_factory=dict)


Buttons = list[list[Choice]]


def to_json(buttons: Buttons) -> list[list[dict[str, Any]]]:
    """The JSON an outbox row stores."""
    return [
        [
            {
                "label": c.label,
                "action": list(c.action),
                **({"args": dict(c.label_args)} if c.label_args else {}),
            }
            for c in row
        ]
        for row in buttons
    ]


def from_json(rows: list[list[dict[str, Any]]]) -> Buttons:
    """Buttons back from an outbox row."""
    return [
        [Choice(c["label"], tuple(c["action"]), c.get("args") or {}) for c in row] for row in rows
    ]


def case_choices(
    case_id: int, *, allowed: tuple[str, ...] = ("ack", "note", "resolve", "handover")
) -> Buttons:
    """受理 / 备注 / 办结 / 转交 under a case, as many as the case's state allows."""
    choices = [Choice(f"case-btn-{verb}", ("case", verb, case_id)) for verb in allowed]
    return [choices[i : i + 2] for i in range(0, len(choices), 2)]


CHECKIN_CHOICES = (
    "employed_same",
    "employed_new",
    "self_employed",
    "seeking",
    "lost_job",
    "further_study",
)


def checkin_choices(period: str) -> Buttons:
    """The monthly status question's answers."""
    choices = [
        Choice(f"checkin-choice-{c}", ("checkin", "answer", period, c)) for c in CHECKIN_CHOICES
    ]
    return [choices[i : i + 2] for i in range(0, len(choices), 2)]


def notice_choices(posting_id: int) -> Buttons:
    """感兴趣/报名 and 不合适 under a job notice."""
    return [
        [
            Choice("jobs-button-interested", ("job", "in", posting_id)),
            Choice("jobs-button-decline", ("job", "no", posting_id)),
        ]
    ]

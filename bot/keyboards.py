"""Keyboards as small pure functions of the translator and the data they show."""

from __future__ import annotations

import functools
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from yulu.bot.callbacks import (
    CampaignChoice,
    CaseAction,
    CaseOutcome,
    CheckinAnswer,
    CheckinDetail,
    JobAction,
    JobPage,
    MenuAction,
    NluConfirm,
    SignupAction,
)
from yulu.core.i18n import Translator
from yulu.services.actions import Action, Buttons, checkin_choices, from_json
from yulu.services.cases import OUTCOMES
from yulu.services.checkin import INCOME_BANDS
from yulu.storage.models import EducationLevel, EmploymentStatus

SIGNUP_STATUSES = (
    EmploymentStatus.EMPLOYED,
    EmploymentStatus.SELF_EMPLOYED,
    EmploymentStatus.SEEKING,
    EmploymentStatus.LOST_JOB,
    EmploymentStatus.FURTHER_STUDY,
)


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def menu_keyboard(t: Translator, *, registered: bool) -> InlineKeyboardMarkup:
    """The main menu: sign-up first for newcomers, the profile for registered graduates."""
    return _menu(t, registered)


@functools.cache  # two menus per locale, sent with most replies: built once (never mutated)
def _menu(t: Translator, registered: bool) -> InlineKeyboardMarkup:
    first = "profile" if registered else "signup"
    actions = [first, "jobs", "human", "help"]
    buttons = [
        InlineKeyboardButton(text=t(f"menu-{a}"), callback_data=MenuAction(action=a).pack())
        for a in actions
    ]
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 2))


def _button(text: str, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=SignupAction(action=action, value=value).pack()
    )


def consent_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Agree or decline the data notice."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("signup-agree"), "agree")],
            [_button(t("signup-decline"), "decline")],
        ]
    )


def field_keyboard(t: Translator, field: str, *, this_year: int) -> InlineKeyboardMarkup | None:
    """Buttons for a sign-up question whose answer is a closed set (or skippable)."""
    if field == "id_number":
        return InlineKeyboardMarkup(inline_keyboard=[[_button(t("signup-skip"), "skip")]])
    if field == "desired":
        return InlineKeyboardMarkup(
            inline_keyboard=[[_button(t("signup-anywhere"), "answer", "anywhere")]]
        )
    if field == "status":
        buttons = [_button(t(f"status-{s.value}"), "answer", s.value) for s in SIGNUP_STATUSES]
        return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 2))
    if field == "education":
        return _education_grid(t, this_year)
    return None


def _education_grid(t: Translator, this_year: int) -> InlineKeyboardMarkup:
    rows = []
    for year in range(this_year - 2, this_year + 2):
        rows.append(
            [
                _button(
                    t("signup-education-button", level=t(f"education-{level.value}"), year=year),
                    "answer",
                    f"{level.value} {year}",
                )
                for level in EducationLevel
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def summary_keyboard(t: Translator, fields: tuple[str, ...]) -> InlineKeyboardMarkup:
    """Confirm, or change any one field."""
    changes = [_button(t("signup-change", field=t(f"field-{f}")), "change", f) for f in fields]
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("signup-confirm"), "confirm")], *_rows(changes, 3)]
    )


def profile_keyboard(t: Translator, fields: tuple[str, ...]) -> InlineKeyboardMarkup:
    """Change any one profile field."""
    changes = [_button(t("signup-change", field=t(f"field-{f}")), "edit", f) for f in fields]
    return InlineKeyboardMarkup(inline_keyboard=_rows(changes, 3))


def detail_keyboard(t: Translator, field: str, *, this_year: int) -> InlineKeyboardMarkup | None:
    """Buttons for an employment detail question (income band, stable, year study ends)."""
    return _detail_keyboard(t, field, this_year)


@functools.cache  # a few per locale and year, re-sent with every re-ask: built once (never mutated)
def _detail_keyboard(t: Translator, field: str, this_year: int) -> InlineKeyboardMarkup | None:
    if field == "income":
        values = [code for code, _, _ in INCOME_BANDS]
        buttons = [_detail(t(f"checkin-income-{v}"), field, v) for v in values]
    elif field == "stable":
        buttons = [
            _detail(t("checkin-stable-yes"), field, "是"),
            _detail(t("checkin-stable-no"), field, "否"),
        ]
    elif field == "until":
        buttons = [_detail(str(y), field, str(y)) for y in range(this_year, this_year + 4)]
    else:
        return None
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 2 if field != "until" else 4))


def _detail(text: str, field: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=CheckinDetail(field=field, value=value).pack()
    )


def outcome_keyboard(t: Translator, case_id: int) -> InlineKeyboardMarkup:
    """How a case ended."""
    buttons = [
        InlineKeyboardButton(
            text=t(f"case-outcome-{o}"),
            callback_data=CaseOutcome(case_id=case_id, outcome=o).pack(),
        )
        for o in OUTCOMES
    ]
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 2))


def confirm_keyboard(t: Translator, intent: str) -> InlineKeyboardMarkup:
    """是的 / 不是 for an uncertain critical guess."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("nlu-yes"), callback_data=NluConfirm(intent=intent, yes=True).pack()
                ),
                InlineKeyboardButton(
                    text=t("nlu-no"), callback_data=NluConfirm(intent=intent, yes=False).pack()
                ),
            ]
        ]
    )


def checkin_keyboard(t: Translator, period: str) -> InlineKeyboardMarkup:
    """The check-in answers, as the outbox sends them."""
    return render(t, checkin_choices(period))


def pack(action: Action) -> str:
    """A service's action as Telegram callback data (CallbackData.pack refuses > 64 bytes)."""
    kind, verb, *args = action
    data: CallbackData
    if kind == "case":
        data = CaseAction(action=str(verb), case_id=int(args[0]))
    elif kind == "checkin":
        data = CheckinAnswer(period=str(args[0]), choice=str(args[1]))
    elif kind == "job":
        value = str(args[1]) if len(args) > 1 else ""
        data = JobAction(action=str(verb), posting_id=int(args[0]), value=value)
    elif kind == "jobs":
        data = JobPage(kind=str(args[0]), page=int(args[1]))
    elif kind == "campaign":
        data = CampaignChoice(campaign=str(args[0]), edition=int(args[1]), value=str(args[2]))
    else:
        raise ValueError(f"no Telegram callback for action {action!r}")
    return data.pack()


def render(t: Translator, buttons: Buttons) -> InlineKeyboardMarkup:
    """Channel-neutral buttons as an inline keyboard."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=t(c.label, **c.label_args), callback_data=pack(c.action))
                for c in row
            ]
            for row in buttons
        ]
    )


def render_stored(t: Translator, stored: Any) -> InlineKeyboardMarkup | None:
    """An outbox row's buttons: neutral JSON, or (rows queued before 0005) Telegram markup."""
    if not stored:
        return None
    if isinstance(stored, dict):
        return InlineKeyboardMarkup.model_validate(stored)
    return render(t, from_json(stored))

"""Every callback_data shape the bot uses (each packs well under Telegram's 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuAction(CallbackData, prefix="m"):
    """A tap on the main menu: signup, profile, jobs, human, help, unsubscribe."""

    action: str


class SignupAction(CallbackData, prefix="su"):
    """Sign-up and profile buttons: agree, decline, skip, answer (with value), confirm, change."""

    action: str
    value: str = ""


class CheckinAnswer(CallbackData, prefix="ci"):
    """A status answer to the monthly check-in (packed by services/buttons.py too)."""

    period: str
    choice: str


class CheckinDetail(CallbackData, prefix="cd"):
    """A tapped employment detail: income band, stable yes/no, the year study ends."""

    field: str
    value: str


class CaseAction(CallbackData, prefix="ca"):
    """A cadre's button under a case: ack, note, resolve, handover (packed by services too)."""

    action: str
    case_id: int


class CaseOutcome(CallbackData, prefix="co"):
    """The outcome chosen when resolving a case."""

    case_id: int
    outcome: str


class NluConfirm(CallbackData, prefix="nc"):
    """Yes/no to "did you mean …?" before acting on a critical, uncertain guess."""

    intent: str
    yes: bool


class JobAction(CallbackData, prefix="jb"):
    """Job buttons: in (感兴趣/报名), no (不合适), why (with the reason), optin (employed)."""

    action: str
    posting_id: int = 0
    value: str = ""


class JobPage(CallbackData, prefix="jp"):
    """Paging through current matches: kind "" (all) or "internship", and the page index."""

    kind: str = ""
    page: int = 0


class CampaignChoice(CallbackData, prefix="cp"):
    """An answer to a seasonal campaign (packed by services/campaigns.py too)."""

    campaign: str
    edition: int
    value: str

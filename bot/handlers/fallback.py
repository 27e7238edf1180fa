"""Last router: anything no other handler took gets a short helpful answer, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from yulu.bot.callbacks import (
    CampaignChoice,
    CaseAction,
    CaseOutcome,
    CheckinAnswer,
    JobAction,
    JobPage,
    MenuAction,
)
from yulu.bot.filters import HAS_DATA, Instant, Unregistered
from yulu.bot.keyboards import menu_keyboard
from yulu.core.i18n import Translator
from yulu.storage.models import Graduate

router = Router(name="fallback")

# Graduate-only buttons; the routers that handle them pass signed-up graduates only.
GRADUATE_PREFIXES = frozenset(
    c.__prefix__ for c in (CheckinAnswer, JobAction, JobPage, CampaignChoice)
)
GRADUATE_BUTTON = Instant(F.data.func(lambda data: data.split(":", 1)[0] in GRADUATE_PREFIXES))


@router.message(Command("cases", "case", "mygraduates"))
async def cadre_only(message: Message, t: Translator) -> None:
    """A cadre command from someone who is not a bound cadre."""
    await message.answer(t("cadre-only"))


@router.message(Unregistered(), Command("jobs", "profile"))
async def command_before_signing_up(message: Message, t: Translator) -> None:
    """A graduate's command from someone who has not signed up."""
    await message.answer(t("not-registered"))


@router.message()
async def not_understood(message: Message, t: Translator, graduate: Graduate | None) -> None:
    """Reply to unexpected input with the menu."""
    key = "fallback-text" if message.text else "fallback-non-text"
    await message.answer(t(key), reply_markup=menu_keyboard(t, registered=graduate is not None))


@router.callback_query(CaseAction.filter())
@router.callback_query(CaseOutcome.filter())
async def case_button_from_stranger(query: CallbackQuery, t: Translator) -> None:
    """A case button pressed by someone who is not a bound cadre."""
    await query.answer(t("cadre-only"), show_alert=True)


@router.callback_query(Unregistered(), GRADUATE_BUTTON)
@router.callback_query(Unregistered(), MenuAction.filter(F.action == "jobs"))
async def button_before_signing_up(query: CallbackQuery, t: Translator) -> None:
    """A graduate's button (e.g. on an old message) from someone not signed up (any more)."""
    await query.answer()
    await query.message.answer(t("not-registered"))


@router.callback_query(HAS_DATA)
async def stale_button(query: CallbackQuery, t: Translator) -> None:
    """A button from an old message that nothing handles any more."""
    await query.answer(t("fallback-text"), show_alert=False)

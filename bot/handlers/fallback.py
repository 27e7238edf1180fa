"""Last router: anything no other handler took gets a short helpful menu, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.keyboards import menu_keyboard
from yulu.core.i18n import Translator
from yulu.services import people

router = Router(name="fallback")


@router.message(Command("cases", "case", "mygraduates"))
async def cadre_only(message: Message, t: Translator) -> None:
    """A cadre command from someone who is not a bound cadre."""
    await message.answer(t("cadre-only"))


@router.message()
async def not_understood(message: Message, session: AsyncSession, t: Translator) -> None:
    """Reply to unexpected input with the menu."""
    registered = await people.graduate_for_user(session, message.from_user.id) is not None
    key = "fallback-text" if message.text else "fallback-non-text"
    await message.answer(t(key), reply_markup=menu_keyboard(t, registered=registered))


@router.callback_query(F.data.startswith("ca:") | F.data.startswith("co:"))
async def case_button_from_stranger(query: CallbackQuery, t: Translator) -> None:
    """A case button pressed by someone who is not a bound cadre."""
    await query.answer(t("cadre-only"), show_alert=True)


@router.callback_query(F.data)
async def stale_button(query: CallbackQuery, t: Translator) -> None:
    """A button from an old message that nothing handles any more."""
    await query.answer(t("fallback-text"), show_alert=False)

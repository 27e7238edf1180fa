"""The front door: /help, /cancel and the help button (/start lives with sign-up)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from yulu.bot.callbacks import MenuAction
from yulu.bot.keyboards import menu_keyboard
from yulu.core.i18n import Translator
from yulu.storage.models import Graduate

router = Router(name="start")


@router.message(Command("help"))
@router.callback_query(MenuAction.filter(F.action == "help"))
async def show_help(
    event: Message | CallbackQuery, t: Translator, graduate: Graduate | None
) -> None:
    """Explain what the bot does, with the menu."""
    registered = graduate is not None
    message = event if isinstance(event, Message) else event.message
    await message.answer(t("help-text"), reply_markup=menu_keyboard(t, registered=registered))
    if isinstance(event, CallbackQuery):
        await event.answer()


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    """Abandon whatever conversation is in progress; nothing half-done is kept."""
    if await state.get_state() is None:
        await message.answer(t("cancel-nothing"))
        return
    await state.clear()
    await message.answer(t("cancel-done"))

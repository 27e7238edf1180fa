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

"""After a tap, the question keeps its text and shows what was chosen instead of its buttons."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from yulu.core.i18n import Translator


def tapped_label(markup: InlineKeyboardMarkup | None, data: str | None) -> str | None:
    """The label of the button whose callback data was `data`."""
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def show_choice(query: CallbackQuery, t: Translator) -> None:
    """Edit the tapped message: same text, no buttons, "✓ <label>" underneath.

    One edit, no new message: the answer's own reply (the next question) is the step's one
    message. A message Telegram no longer lets us edit (too old) just keeps its buttons.
    """
    message = query.message
    if message is None or not hasattr(message, "edit_text"):
        return
    label = tapped_label(message.reply_markup, query.data)
    text = message.text or ""
    if label:
        text = f"{text}\n\n{t('chosen', choice=label)}"
    try:
        await message.edit_text(text, reply_markup=None)
    except TelegramBadRequest:
        pass

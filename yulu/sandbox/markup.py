"""Validate message text and keyboards the way Telegram does, so bot bugs show up locally."""

from __future__ import annotations

import html
import re
from typing import Any

from yulu.sandbox.params import bad_request

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
INLINE_ACTIONS = {
    "callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
    "login_url", "web_app", "pay", "copy_text", "callback_game",
}  # fmt: skip


def visible_text(text: str | None, parse_mode: str | None) -> str:
    """Return the text the user sees, 400 if it is empty, too long or badly formatted."""
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    plain = strip_html(text) if (parse_mode or "").upper() == "HTML" else text
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain.encode("utf-16-le")) // 2 > MAX_TEXT:
        raise bad_request("message is too long")
    return plain


def strip_html(text: str) -> str:
    """Strip Telegram HTML to plain text; every raw '<' must start a supported tag."""
    parts: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while (start := text.find("<", pos)) != -1:
        parts.append(text[pos:start])
        match = TAG.match(text, start)
        if match is None or match.group(2).lower() not in HTML_TAGS:
            raise _entity_error(text, start)
        _track_tag(open_tags, closing=bool(match.group(1)), name=match.group(2).lower())
        pos = match.end()
    parts.append(text[pos:])
    if open_tags:
        raise bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    return html.unescape("".join(parts))


def _track_tag(open_tags: list[str], *, closing: bool, name: str) -> None:
    if not closing:
        open_tags.append(name)
        return
    if not open_tags or open_tags[-1] != name:
        expected = f', expected "</{open_tags[-1]}>"' if open_tags else ""
        raise bad_request(f'can\'t parse entities: Unmatched end tag "</{name}>"{expected}')
    open_tags.pop()


def _entity_error(text: str, start: int) -> Exception:
    offset = len(text[:start].encode())
    found = text[start : start + 20]
    return bad_request(
        f'can\'t parse entities: Unsupported start tag "{found}" at byte offset {offset}'
    )


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validate a reply_markup object; return it, or None when absent."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        _check_rows(markup["keyboard"], "keyboard")
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_rows(rows: Any, field: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the reply markup must be an Array of Arrays')


def _check_inline_keyboard(rows: Any) -> None:
    _check_rows(rows, "inline_keyboard")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if not INLINE_ACTIONS & button.keys():
            raise bad_request(
                "can't parse inline keyboard button: "
                "InlineKeyboardButton must have exactly one optional field"
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")


def has_callback(markup: dict[str, Any] | None, data: str) -> bool:
    """Tell whether an inline keyboard offers a button with this callback data."""
    rows = (markup or {}).get("inline_keyboard") or []
    return any(button.get("callback_data") == data for row in rows for button in row)


def is_inline(markup: dict[str, Any] | None) -> bool:
    """Tell whether a reply_markup is an inline keyboard (the only kind echoed in Message)."""
    return bool(markup) and "inline_keyboard" in markup  # type: ignore[operator]

"""User-facing text from Fluent locale files (yulu/locales/<locale>/*.ftl); none lives in code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).parent.parent / "locales"
DEFAULT_LOCALE = "zh-CN"


class MissingText(KeyError):
    """A text key that no locale file defines."""


class Translator:
    """Formats a message by key; one instance per locale, shared by every handler and job."""

    def __init__(self, locale: str = DEFAULT_LOCALE, directory: Path = LOCALES_DIR) -> None:
        self.locale = locale
        self._bundle = FluentBundle([locale], use_isolating=False)
        self._plain: dict[str, str] = {}
        files = sorted((directory / locale).glob("*.ftl"))
        if not files:
            raise FileNotFoundError(f"no locale files in {directory / locale}")
        for path in files:
            self._bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))

    def has(self, key: str) -> bool:
        """True when the locale defines `key`."""
        return self._bundle.has_message(key)

    def __call__(self, key: str, **args: Any) -> str:
        """The text for `key`, with `args` filled in."""
        if not args and key in self._plain:  # most texts take no arguments: format them once
            return self._plain[key]
        if not self._bundle.has_message(key):
            raise MissingText(key)
        message = self._bundle.get_message(key)
        # Years and ids must not come out as "2,026": numbers are passed as plain text.
        plain = {
            name: str(value) if isinstance(value, int) else value for name, value in args.items()
        }
        text, errors = self._bundle.format_pattern(message.value, plain)
        if errors:
            raise MissingText(f"{key}: {errors[0]}")
        if not args:
            self._plain[key] = text
        return text


@lru_cache(maxsize=4)
def get_translator(locale: str = DEFAULT_LOCALE) -> Translator:
    """The shared translator for a locale (files are read once per process)."""
    return Translator(locale)

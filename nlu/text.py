"""Text normalisation shared by the classifier and the entity extractors."""

from __future__ import annotations

import re
import unicodedata

# Joiners, variation selectors and skin tones only split an emoji into noise n-grams.
_EMOJI_NOISE = re.compile("[\u200b-\u200f\u2060\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_SEPARATORS = re.compile(
    r"[\s,.!;:~`'\"、。，！；：…—\-_*#@&/\\|()\[\]{}<>《》「」『』【】“”‘’·^+=]+"
)
# Long numbers (pay, phones, years) carry no intent; short ones do (88, 886, 666, 3q).
_DIGITS = re.compile(r"\d{4,}(?:\.\d+)?")
_REPEATS = re.compile(r"(.)\1{2,}")


_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """Map full-width ASCII and the ideographic space to half-width, keeping every offset."""
    return text.translate(_HALF_WIDTH)


def _toneless(text: str) -> str:
    """Pinyin written with tone marks (wǒ shīyè le) as plain letters, ü as v."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text).replace("u\u0308", "v")
    plain = "".join(c for c in decomposed if not (unicodedata.combining(c) and c < "\u0370"))
    return unicodedata.normalize("NFC", plain)


def normalize(text: str) -> str:
    """Normalise a message for classification: width, case, tones, digits, punctuation, repeats."""
    text = _toneless(unicodedata.normalize("NFKC", text).lower())
    text = _EMOJI_NOISE.sub("", text)
    text = _DIGITS.sub("0", text)
    text = _SEPARATORS.sub(" ", text)
    text = _REPEATS.sub(r"\1\1", text)
    return " ".join(text.split())

"""Toneless pinyin for the classifier, so "wo shi ye le", "woshiyele" and 我失业了 share features.

The table is built once at training time from jionlp's dictionaries and stored with the model,
so parsing never imports jionlp.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from collections.abc import Iterable, Mapping

from yulu.nlu._jionlp import jionlp

# Chat readings that a phrase dictionary under-counts (了解, 还款, 首都 outnumber 了, 还, 都).
_CHAT_READINGS = {"了": "le", "还": "hai", "都": "dou", "着": "zhe", "行": "xing", "得": "de"}
_MAX_SYLLABLE = 6
_VOWELS = re.compile("[aeiouv]")


def _toneless(syllable: str) -> str:
    """Drop tone marks and write ü as v."""
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _reading_counts(phrases: Mapping[str, list[str]]) -> dict[str, collections.Counter[str]]:
    """Count each character's toneless readings across a phrase dictionary."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for phrase, readings in phrases.items():
        if len(phrase) == len(readings):
            for char, reading in zip(phrase, readings):
                if reading != "<py_unk>":
                    counts[char][_toneless(reading)] += 1
    return counts


def build_pinyin_table() -> dict[str, str]:
    """Map every CJK character to its most common toneless reading."""
    jio = jionlp()
    counts = _reading_counts(jio.pinyin_phrase_loader())
    table = {}
    for char, readings in jio.pinyin_char_loader().items():
        common = counts.get(char)
        table[char] = common.most_common(1)[0][0] if common else _toneless(readings[0])
    table.update(_CHAT_READINGS)
    return table


def syllables_of(table: Mapping[str, str]) -> frozenset[str]:
    """The valid syllables: readings shared by at least two characters."""
    counts = collections.Counter(table.values())
    return frozenset(s for s, n in counts.items() if n >= 2 and len(s) <= _MAX_SYLLABLE)


def split_syllables(word: str, syllables: frozenset[str]) -> list[str] | None:
    """Split a latin word into pinyin syllables by longest match, or None if it is not pinyin."""
    parts: list[str] = []
    position = 0
    while position < len(word):
        for size in range(min(_MAX_SYLLABLE, len(word) - position), 0, -1):
            if word[position : position + size] in syllables:
                parts.append(word[position : position + size])
                position += size
                break
        else:
            return None
    return parts


def to_syllables(
    tokens: Iterable[str], *, table: Mapping[str, str], syllables: frozenset[str]
) -> list[str]:
    """Turn normalised tokens (single CJK chars or latin words) into a syllable sequence."""
    out: list[str] = []
    for token in tokens:
        if token in table:
            out.append(table[token])
        elif token.isascii() and token.isalpha():
            out.extend(split_syllables(token, syllables) or [token])
        else:
            out.append(token)
    return out


def initials(
    tokens: Iterable[str], *, table: Mapping[str, str], syllables: frozenset[str]
) -> list[str]:
    """The first letter of each syllable, as chat abbreviations write them (nh 你好, zgz 找工作).

    A latin word without a vowel is taken as such an abbreviation, letter by letter; a word
    that is not pinyin (English) or anything else breaks the sequence with "_".
    """
    out: list[str] = []
    for token in tokens:
        if token in table:
            out.append(table[token][0])
        elif token.isascii() and token.isalpha():
            if not _VOWELS.search(token):
                out.extend(token)
            else:
                out.extend(s[0] for s in split_syllables(token, syllables) or ["_"])
        else:
            out.append("_")
    return out


def build_simplified_table() -> dict[str, str]:
    """Map each traditional character to its simplified form (jionlp's table)."""
    return dict(jionlp().traditional_simplified_loader("tra2sim_char.txt"))

"""Sparse features of one message: character n-grams plus toneless-pinyin syllable n-grams."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yulu.nlu.pinyin import syllables_of, to_syllables
from yulu.nlu.text import normalize

_TOKENS = re.compile(r"[a-z]+|\S")


@dataclass(frozen=True)
class FeatureConfig:
    """Which n-gram views to extract; pinyin_ngrams=(0, 0) switches the pinyin view off."""

    char_ngrams: tuple[int, int] = (1, 3)
    pinyin_ngrams: tuple[int, int] = (1, 2)


def _ngrams(units: list[str], low: int, high: int, *, prefix: str, joiner: str) -> list[str]:
    """All n-grams of a unit sequence for n in [low, high]."""
    grams = []
    for n in range(low, high + 1):
        grams.extend(prefix + joiner.join(units[i : i + n]) for i in range(len(units) - n + 1))
    return grams


@dataclass
class Featurizer:
    """Callable text -> feature strings; picklable, so it travels inside the model file."""

    config: FeatureConfig
    pinyin: dict[str, str] = field(default_factory=dict)
    syllables: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.syllables = syllables_of(self.pinyin)

    def __call__(self, text: str) -> list[str]:
        """Extract the features of one raw message."""
        norm = normalize(text)
        low, high = self.config.char_ngrams
        features = _ngrams(list(f"^{norm}$"), low, high, prefix="", joiner="")
        p_low, p_high = self.config.pinyin_ngrams
        if p_high:
            units = to_syllables(_TOKENS.findall(norm), table=self.pinyin, syllables=self.syllables)
            features += _ngrams(["^", *units, "$"], p_low, p_high, prefix="p:", joiner=" ")
        return features

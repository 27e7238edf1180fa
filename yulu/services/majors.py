"""The major/trade map (专业/工种): free text → catalogue major, class and group match codes.

The data lives in services/data/majors.yml (专业大类 → 专业类 → 专业, with synonyms). Matching
works on codes so the database can join on equality: a graduate holds the codes of their major,
its class and its group, plus ANY; a posting holds the codes it asks for (or ANY for 不限).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from yulu.storage.postings import ANY_CODE as ANY

DATA_FILE = Path(__file__).parent / "data" / "majors.yml"
WEIGHT = {"major": 3, "class": 2, "group": 1, "any": 0}
NO_REQUIREMENT_WORDS = frozenset(
    {"不限", "专业不限", "不限专业", "无", "无要求", "均可", "任意", "any"}
)
_PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
_NOISE = re.compile(r"[\s·•,，。.、/\\\-—_:：;；'\"“”]+")
_SUFFIXES = ("专业", "方向")


@dataclass(frozen=True)
class Trade:
    """Where a text sits in the catalogue: a major (with its class and group), or a class/group."""

    group: str
    klass: str | None = None
    major: str | None = None

    @property
    def level(self) -> str:
        """The most specific level known: major, class or group."""
        return "major" if self.major else "class" if self.klass else "group"

    def requirement_code(self) -> tuple[str, int]:
        """The code (and weight) a posting asking for this trade holds."""
        return _code(self.level, self.major or self.klass or self.group), WEIGHT[self.level]

    def graduate_codes(self) -> dict[str, int]:
        """Every code a graduate of this trade matches on: major, class, group."""
        codes = {_code("group", self.group): WEIGHT["group"]}
        if self.klass:
            codes[_code("class", self.klass)] = WEIGHT["class"]
        if self.major:
            codes[_code("major", self.major)] = WEIGHT["major"]
        return codes


def _code(level: str, name: str) -> str:
    return f"{level[0]}:{name}"


def normalize(text: str) -> str:
    """Fold width and case, drop parentheticals, punctuation and a trailing 专业/方向."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = _NOISE.sub("", _PARENTHESES.sub("", folded))
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            folded = folded[: -len(suffix)]
    return folded


class MajorMap:
    """Names and aliases of every group, class and major, looked up exactly or by substring."""

    def __init__(self, data: dict, *, version: str) -> None:
        self.version = version
        self._index: dict[str, Trade] = {}
        for group in data["groups"]:
            self._add_group(group)
        self._longest_first = sorted(self._index, key=len, reverse=True)

    def _add_group(self, group: dict) -> None:
        trade = Trade(group=group["name"])
        self._add_names(trade, [group["name"], *group.get("aliases", [])])
        for klass in group.get("classes", []):
            class_trade = Trade(group=group["name"], klass=klass["name"])
            self._add_names(class_trade, [klass["name"], *klass.get("aliases", [])])
            for major in klass.get("majors", []):
                names = [major["name"], *major.get("same", []), *major.get("aliases", [])]
                self._add_names(Trade(group["name"], klass["name"], major["name"]), names)

    def _add_names(self, trade: Trade, names: list[str]) -> None:
        for name in names:
            key = normalize(str(name))
            if len(key) < 2:
                raise ValueError(f"majors.yml: {name!r} is shorter than two characters")
            if key in self._index:
                raise ValueError(f"majors.yml: {name!r} appears twice")
            self._index[key] = trade

    def names(self) -> list[str]:
        """Every normalised name and alias (for tests and tools)."""
        return list(self._index)

    @lru_cache(maxsize=65536)  # noqa: B019 - the map lives for the process; majors repeat
    def resolve(self, text: str) -> Trade | None:
        """The trade a text names: an exact name or alias, else the longest one it contains."""
        key = normalize(text)
        if not key:
            return None
        if key in self._index:
            return self._index[key]
        return next((self._index[name] for name in self._longest_first if name in key), None)

    def graduate_codes(self, major_text: str) -> dict[str, int]:
        """A graduate's match codes: those of their major (if known) plus ANY."""
        trade = self.resolve(major_text)
        codes = trade.graduate_codes() if trade else {}
        return {ANY: WEIGHT["any"], **codes}

    def requirement_codes(self, text: str) -> tuple[dict[str, int], list[str]]:
        """A posting's 专业要求 (`;`-separated) as codes, and the parts not recognised."""
        parts = [p.strip() for p in re.split(r"[;；,，、/|]+", text or "") if p.strip()]
        if not parts or any(normalize(p) in NO_REQUIREMENT_WORDS for p in parts):
            return {ANY: WEIGHT["any"]}, []
        codes: dict[str, int] = {}
        unknown: list[str] = []
        for part in parts:
            trade = self.resolve(part)
            if trade is None:
                unknown.append(part)
                continue
            code, weight = trade.requirement_code()
            codes[code] = weight
        return codes, unknown

    def category(self, major_text: str, weight: int) -> str:
        """The class (weight 2) or group (weight 1) name a graduate's major belongs to."""
        trade = self.resolve(major_text)
        if trade is None:
            return ""
        return (trade.klass or trade.group) if weight == WEIGHT["class"] else trade.group


@cache
def major_map(path: Path = DATA_FILE) -> MajorMap:
    """The map from services/data/majors.yml, loaded once per process."""
    raw = path.read_bytes()
    version = hashlib.sha256(raw).hexdigest()[:12]
    return MajorMap(yaml.safe_load(raw.decode("utf-8")), version=version)

"""A province/city name index built from jionlp's administrative divisions, for fast lookup.

jionlp.parse_location takes about 10 ms a call and 1 s to warm up; the message parser needs
microseconds, so the names are compiled once into one regex (and pickled with the model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yulu.nlu._jionlp import jionlp

# Short names that are also everyday words: matched only by their full official name.
AMBIGUOUS_ALIASES = frozenset(
    {"白银", "安康", "普洱", "来宾", "阿里", "大庆", "开封", "玉树", "海西"}
)


@dataclass
class Gazetteer:
    """Surface form -> (entity, official full name), with a longest-first regex over them."""

    names: dict[str, tuple[str, str]]
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        surfaces = sorted(self.names, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, surfaces)))

    def find(self, text: str) -> list[dict]:
        """Rasa-shaped province/city entities mentioned in a text."""
        return [
            {"entity": entity, "value": full, "start": m.start(), "end": m.end()}
            for m in self.pattern.finditer(text)
            for entity, full in [self.names[m.group()]]
        ]


def _aliases(node: dict) -> list[str]:
    """A division's short names (jionlp stores one string or a list)."""
    alias = node.get("_alias") or []
    return [alias] if isinstance(alias, str) else list(alias)


def _surfaces(full: str, node: dict) -> list[str]:
    """The full name plus the unambiguous short names of two or more characters."""
    short = [a for a in _aliases(node) if len(a) >= 2 and a not in AMBIGUOUS_ALIASES]
    return [full, *short]


def _children(node: dict) -> dict[str, dict]:
    """The sub-divisions of a division node."""
    return {name: child for name, child in node.items() if not name.startswith("_")}


def build_gazetteer() -> Gazetteer:
    """Index every province and prefecture-level city; a municipality counts as a city."""
    names: dict[str, tuple[str, str]] = {}
    divisions = _children(jionlp().china_location_loader())
    for province, node in divisions.items():
        cities = _children(node)
        if province not in cities:
            for surface in _surfaces(province, node):
                names.setdefault(surface, ("province", province))
    for node in divisions.values():
        for city, city_node in _children(node).items():
            if city.endswith(("市", "州", "盟", "地区")):
                for surface in _surfaces(city, city_node):
                    names.setdefault(surface, ("city", city))
    return Gazetteer(names)

"""Read Rasa 3.x NLU training files (intents, entity annotations, synonyms, regexes, lookups)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

# [text](entity), [text](entity:value) and [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<long>\{[^}]*\}))")


class TrainingDataError(ValueError):
    """A training file is not valid Rasa NLU data."""


@dataclass(frozen=True)
class Annotation:
    """One entity annotated in a training example."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    """One training sentence with its intent, annotations stripped from the text.

    `kind` is the optional kind of the intent block (plain, typos, dialect, long, negation,
    english, indirect): evaluation scores each kind on its own.
    """

    text: str
    intent: str
    entities: tuple[Annotation, ...] = ()
    kind: str | None = None


@dataclass
class TrainingData:
    """Everything a set of Rasa NLU files holds."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        """The intents in first-seen order."""
        return list(dict.fromkeys(e.intent for e in self.examples))


def data_files(path: Path) -> list[Path]:
    """The .yml/.yaml files at a path (a file or a directory), sorted."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"})


def data_hash(files: Iterable[Path], *, salt: str = "") -> str:
    """SHA-256 over the files' names and bytes, so any edit gives a new key."""
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _annotation(match: re.Match[str], start: int) -> Annotation:
    """Turn one annotation match into an Annotation at a position in the plain text."""
    text = match["text"]
    if match["long"]:
        spec = json.loads(match["long"])
        entity, value = spec["entity"], str(spec.get("value", text))
    else:
        entity, _, value = match["short"].partition(":")
        value = value or text
    return Annotation(entity=entity, value=value, start=start, end=start + len(text))


def parse_example(line: str, intent: str, *, kind: str | None = None) -> Example:
    """Strip entity markup from one example line and record the annotations."""
    plain, annotations, cursor = [], [], 0
    for match in _ANNOTATION.finditer(line):
        plain.append(line[cursor : match.start()])
        annotations.append(_annotation(match, sum(map(len, plain))))
        plain.append(match["text"])
        cursor = match.end()
    plain.append(line[cursor:])
    return Example(text="".join(plain), intent=intent, entities=tuple(annotations), kind=kind)


def _items(block: str) -> list[str]:
    """The '- item' lines of an examples block."""
    lines = (line.strip() for line in block.splitlines())
    return [line[1:].strip() for line in lines if line.startswith("-") and line[1:].strip()]


def _kind(item: dict) -> str | None:
    """The block's kind: a `kind:` key, or `metadata: {kind: ...}` (which Rasa itself accepts)."""
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    kind = item.get("kind") or metadata.get("kind")
    return str(kind) if kind else None


def _add_item(data: TrainingData, item: dict, source: Path) -> None:
    """Add one `nlu:` list item to the data."""
    block = item.get("examples", "")
    if not isinstance(block, str):
        raise TrainingDataError(f"{source}: examples must be a '|' block")
    if "intent" in item:
        kind = _kind(item)
        data.examples += [parse_example(line, item["intent"], kind=kind) for line in _items(block)]
    elif "synonym" in item:
        data.synonyms.setdefault(str(item["synonym"]), []).extend(_items(block))
    elif "regex" in item:
        data.regexes.setdefault(item["regex"], []).extend(_items(block))
    elif "lookup" in item:
        data.lookups.setdefault(item["lookup"], []).extend(_items(block))
    else:
        raise TrainingDataError(f"{source}: unknown nlu item {sorted(item)}")


def load_training_data(path: Path = DATA_DIR) -> TrainingData:
    """Load every Rasa NLU file at a path (a file or a directory)."""
    import yaml  # lazily: loading a cached model needs no YAML

    data = TrainingData()
    for source in data_files(path):
        document = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu", []):
            _add_item(data, item, source)
    return data

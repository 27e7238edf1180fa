"""The training files are Rasa 3.x NLU data with exactly the bot's intents, used consistently."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
import yaml

from yulu.nlu.entities import extract_entities
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import DATA_DIR, data_files, load_training_data, parse_example

STATUS_INTENTS = ("report_employed", "report_job_lost", "report_seeking")


@pytest.fixture(scope="module")
def data():
    return load_training_data(DATA_DIR)


@pytest.mark.parametrize("path", data_files(DATA_DIR), ids=lambda p: p.name)
def test_every_file_is_rasa_3_nlu(path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    for item in document["nlu"]:
        kinds = {"intent", "synonym", "regex", "lookup"} & set(item)
        assert len(kinds) == 1 and isinstance(item["examples"], str), item


def test_exactly_the_bots_intents(data) -> None:
    assert sorted(data.intents) == sorted(INTENTS)


def test_every_intent_has_enough_examples(data) -> None:
    counts = Counter(e.intent for e in data.examples)
    assert min(counts.values()) >= 60, counts
    assert all(counts[i] >= 120 for i in STATUS_INTENTS), counts


def test_no_sentence_is_taught_as_two_intents(data) -> None:
    labels = defaultdict(set)
    for example in data.examples:
        labels[example.text.strip().lower()].add(example.intent)
    assert {t: i for t, i in labels.items() if len(i) > 1} == {}


def test_annotations_are_exactly_what_the_extractors_find(data) -> None:
    """A Rasa server learns entities from these spans: none may be missing or made up."""
    mismatches = []
    for example in data.examples:
        found = {
            (e["entity"], e["start"], e["end"])
            for e in extract_entities(example.text, inferred=False)
        }
        annotated = {(a.entity, a.start, a.end) for a in example.entities}
        if found != annotated:
            mismatches.append((example.text, sorted(found ^ annotated)))
    assert mismatches == []


def test_synonyms_map_every_annotated_short_place_name_to_its_official_name(data) -> None:
    """A Rasa server returns the annotated text unless a synonym names the official division."""
    synonyms = {alias: name for name, aliases in data.synonyms.items() for alias in aliases}
    wrong = set()
    for example in data.examples:
        official = {e["start"]: e["value"] for e in extract_entities(example.text, inferred=False)}
        for a in example.entities:
            if a.entity in ("city", "province", "county") and a.value != official[a.start]:
                if synonyms.get(a.value) != official[a.start]:
                    wrong.add((a.value, official[a.start]))
    assert wrong == set()


def test_annotation_markup_is_stripped_with_offsets() -> None:
    example = parse_example(
        '月薪[三千八](income)，在[深圳]{"entity": "city", "value": "深圳市"}', "x"
    )
    assert example.text == "月薪三千八，在深圳"
    income, city = example.entities
    assert (income.entity, income.value, example.text[income.start : income.end]) == (
        "income",
        "三千八",
        "三千八",
    )
    assert (city.entity, city.value, example.text[city.start : city.end]) == (
        "city",
        "深圳市",
        "深圳",
    )

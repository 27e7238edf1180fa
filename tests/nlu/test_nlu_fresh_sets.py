"""Issue 13's targets, held on the fresh sets that judged round seven once (v7, v8).

Each was written by a helper who saw neither nlu/data nor any other set, and scored once before
anyone read it (README "Chinese understanding"); kept here so no later change slips below the
targets on them. They are development sets now: a next round is judged on a new one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yulu.nlu import EmbeddedInterpreter
from yulu.nlu.evaluation import build_report, entity_scores, predict
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import load_training_data

FRESH = [Path(__file__).parent / name for name in ("heldout_v7.yml", "heldout_v8.yml")]


@pytest.fixture(scope="module", params=FRESH, ids=lambda path: path.stem)
def scored(request: pytest.FixtureRequest, interpreter: EmbeddedInterpreter) -> tuple[dict, dict]:
    examples = load_training_data(request.param).examples
    report = build_report(predict(interpreter.model, examples), INTENTS)
    entities = entity_scores(examples)
    assert entities is not None, "the set annotates entities"
    return report, entities


def test_macro_f1_and_job_lost_recall(scored: tuple[dict, dict]) -> None:
    report, _ = scored
    assert report["macro avg"]["f1-score"] >= 0.95
    assert report["report_job_lost"]["recall"] >= 0.97  # a missed 失业 is a graduate left alone


def test_every_kind_at_least_90_percent(scored: tuple[dict, dict]) -> None:
    report, _ = scored
    kinds = report["kinds"]
    assert set(kinds) == {"dialect", "english", "indirect", "long", "negation", "plain", "typos"}
    low = {kind: round(row["accuracy"], 3) for kind, row in kinds.items() if row["accuracy"] < 0.9}
    assert not low, f"kinds below 90 %: {low}"


def test_entities_at_least_95_percent(scored: tuple[dict, dict]) -> None:
    _, entities = scored
    assert entities["all"]["recall"] >= 0.95, entities["errors"]

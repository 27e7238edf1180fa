"""Accuracy on messages written independently of nlu/data (tests/nlu/heldout.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yulu.nlu import EmbeddedInterpreter
from yulu.nlu.evaluation import build_report, predict
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import load_training_data

HELDOUT = Path(__file__).parent / "heldout.yml"


@pytest.fixture(scope="module")
def report(interpreter: EmbeddedInterpreter) -> dict:
    """The session's model (trained on nlu/data) scored on the held-out set."""
    if not HELDOUT.exists():
        pytest.skip(f"held-out set {HELDOUT} not written yet")
    predictions = predict(interpreter.model, load_training_data(HELDOUT).examples)
    return build_report(predictions, INTENTS)


def test_heldout_covers_every_intent(report: dict) -> None:
    assert all(report[intent]["support"] > 0 for intent in INTENTS)


def test_heldout_macro_f1(report: dict) -> None:
    assert report["macro avg"]["f1-score"] >= 0.95


def test_heldout_job_lost_recall(report: dict) -> None:
    assert report["report_job_lost"]["recall"] >= 0.95

"""Evaluate intent classification like `rasa test nlu`: per-intent P/R/F1, confusion, errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from yulu.nlu.classifier import DEFAULT_C, make_pipeline, train_intent_model
from yulu.nlu.features import FeatureConfig, Featurizer
from yulu.nlu.pinyin import build_pinyin_table
from yulu.nlu.training_data import Example


@dataclass(frozen=True)
class Predictions:
    """Gold and predicted intents of a test set, with the predicted confidences."""

    texts: list[str]
    gold: list[str]
    predicted: list[str]
    confidence: list[float]

    @classmethod
    def concat(cls, parts: Sequence[Predictions]) -> Predictions:
        """Join the predictions of several folds."""
        return cls(
            texts=[t for p in parts for t in p.texts],
            gold=[g for p in parts for g in p.gold],
            predicted=[x for p in parts for x in p.predicted],
            confidence=[c for p in parts for c in p.confidence],
        )

    def rows(self) -> zip:
        """(text, gold, predicted, confidence) per example."""
        return zip(self.texts, self.gold, self.predicted, self.confidence)


def make_featurizer(config: FeatureConfig | None = None) -> Featurizer:
    """A featurizer with the pinyin table (built from jionlp, about a second)."""
    config = config or FeatureConfig()
    return Featurizer(config, build_pinyin_table() if config.pinyin_ngrams[1] else {})


def fit_predict(
    train: Sequence[Example],
    test: Sequence[Example],
    *,
    featurizer: Featurizer,
    method: str = "lr",
    c: float = DEFAULT_C,
) -> Predictions:
    """Train on one set and predict another; 'lr' runs the exact exported model."""
    texts, intents = [e.text for e in train], [e.intent for e in train]
    tests = [e.text for e in test]
    if method == "lr":
        model = train_intent_model(texts, intents, featurizer=featurizer, c=c)
        top = [model.rank(t, limit=1)[0] for t in tests]
    else:
        pipeline = make_pipeline(featurizer, method=method, c=c).fit(texts, intents)
        probabilities = pipeline.predict_proba(tests)
        classes = pipeline.classes_
        top = [
            (str(classes[i]), float(p[i])) for p, i in zip(probabilities, probabilities.argmax(1))
        ]
    return Predictions(tests, [e.intent for e in test], [n for n, _ in top], [c for _, c in top])


def cross_validate(
    examples: Sequence[Example],
    *,
    folds: int = 5,
    seed: int = 7,
    featurizer: Featurizer,
    method: str = "lr",
    c: float = DEFAULT_C,
) -> Predictions:
    """Stratified K-fold cross-validation; every example is predicted once."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    intents = [e.intent for e in examples]
    parts = [
        fit_predict(
            [examples[i] for i in train_index],
            [examples[i] for i in test_index],
            featurizer=featurizer,
            method=method,
            c=c,
        )
        for train_index, test_index in splitter.split(np.zeros(len(examples)), intents)
    ]
    return Predictions.concat(parts)


def _confused_with(predictions: Predictions, intent: str) -> dict[str, int]:
    """How often a gold intent was predicted as each other intent, most often first."""
    counts: dict[str, int] = {}
    for gold, predicted in zip(predictions.gold, predictions.predicted):
        if gold == intent and predicted != intent:
            counts[predicted] = counts.get(predicted, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def build_report(predictions: Predictions, labels: Sequence[str]) -> dict:
    """A Rasa-style intent report: per-intent metrics, averages, confusion matrix, errors."""
    from sklearn.metrics import classification_report, confusion_matrix

    labels = list(labels)
    report = classification_report(
        predictions.gold, predictions.predicted, labels=labels, output_dict=True, zero_division=0
    )
    for intent in labels:
        report[intent]["confused_with"] = _confused_with(predictions, intent)
    matrix = confusion_matrix(predictions.gold, predictions.predicted, labels=labels)
    report["confusion_matrix"] = {"labels": labels, "matrix": matrix.tolist()}
    report["errors"] = [
        {"text": t, "intent": g, "intent_prediction": {"name": p, "confidence": round(c, 4)}}
        for t, g, p, c in predictions.rows()
        if g != p
    ]
    report["confidence"] = _confidence_summary(predictions)
    return report


def _confidence_summary(predictions: Predictions, threshold: float = 0.6) -> dict:
    """How many right and wrong guesses clear the confidence threshold."""
    right = [c for _, g, p, c in predictions.rows() if g == p]
    wrong = [c for _, g, p, c in predictions.rows() if g != p]
    return {
        "threshold": threshold,
        "correct_above": sum(c >= threshold for c in right) / max(len(right), 1),
        "errors_above": sum(c >= threshold for c in wrong) / max(len(wrong), 1),
        "errors": len(wrong),
    }

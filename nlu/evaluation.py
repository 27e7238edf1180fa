"""Evaluate like `rasa test nlu`: per-intent P/R/F1, confusion, errors; per kind; entities."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from yulu.nlu.classifier import (
    DEFAULT_C,
    DEFAULT_LOST_BIAS,
    DEFAULT_TAIL_WEIGHT,
    IntentModel,
    make_pipeline,
    train_intent_model,
)
from yulu.nlu.features import FeatureConfig, Featurizer
from yulu.nlu.pinyin import build_pinyin_table, build_simplified_table
from yulu.nlu.text import fold_width
from yulu.nlu.training_data import Annotation, Example


@dataclass(frozen=True)
class Predictions:
    """Gold and predicted intents of a test set, with the predicted confidences."""

    texts: list[str]
    gold: list[str]
    predicted: list[str]
    confidence: list[float]
    kinds: list[str | None] = field(default_factory=list)

    @classmethod
    def concat(cls, parts: Sequence[Predictions]) -> Predictions:
        """Join the predictions of several folds."""
        return cls(
            texts=[t for p in parts for t in p.texts],
            gold=[g for p in parts for g in p.gold],
            predicted=[x for p in parts for x in p.predicted],
            confidence=[c for p in parts for c in p.confidence],
            kinds=[k for p in parts for k in p.kinds],
        )

    def rows(self) -> zip:
        """(text, gold, predicted, confidence) per example."""
        return zip(self.texts, self.gold, self.predicted, self.confidence)


def make_featurizer(config: FeatureConfig | None = None) -> Featurizer:
    """A featurizer with the pinyin table (built from jionlp, about a second)."""
    config = config or FeatureConfig()
    pinyin = build_pinyin_table() if config.pinyin_ngrams[1] else {}
    return Featurizer(config, pinyin, build_simplified_table() if config.simplify else {})


def fit_predict(
    train: Sequence[Example],
    test: Sequence[Example],
    *,
    featurizer: Featurizer,
    method: str = "lr",
    c: float = DEFAULT_C,
    tail_weight: float = DEFAULT_TAIL_WEIGHT,
    lost_bias: float = DEFAULT_LOST_BIAS,
) -> Predictions:
    """Train on one set and predict another; 'lr' runs the exact exported model."""
    texts, intents = [e.text for e in train], [e.intent for e in train]
    if method == "lr":
        model = train_intent_model(
            texts, intents, featurizer=featurizer, c=c, tail_weight=tail_weight, lost_bias=lost_bias
        )
        return predict(model, test)
    tests = [e.text for e in test]
    pipeline = make_pipeline(featurizer, method=method, c=c).fit(texts, intents)
    probabilities = pipeline.predict_proba(tests)
    classes = pipeline.classes_
    top = [(str(classes[i]), float(p[i])) for p, i in zip(probabilities, probabilities.argmax(1))]
    return _predictions(test, top)


def predict(model: IntentModel, test: Sequence[Example]) -> Predictions:
    """The top intent a trained model gives each test example."""
    return _predictions(test, [model.rank(e.text, limit=1)[0] for e in test])


def _predictions(test: Sequence[Example], top: Sequence[tuple[str, float]]) -> Predictions:
    return Predictions(
        [e.text for e in test],
        [e.intent for e in test],
        [n for n, _ in top],
        [c for _, c in top],
        [e.kind for e in test],
    )


def cross_validate(
    examples: Sequence[Example],
    *,
    folds: int = 5,
    seed: int = 7,
    featurizer: Featurizer,
    method: str = "lr",
    c: float = DEFAULT_C,
    tail_weight: float = DEFAULT_TAIL_WEIGHT,
    lost_bias: float = DEFAULT_LOST_BIAS,
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
            tail_weight=tail_weight,
            lost_bias=lost_bias,
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
    present = [intent for intent in labels if report[intent]["support"]]
    if len(present) < len(labels):  # intents a test set does not cover would count as F1 0
        report["macro avg"] = _macro(report, present)
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
    if any(predictions.kinds):
        report["kinds"] = kind_scores(predictions)
    return report


def kind_scores(predictions: Predictions) -> dict[str, dict]:
    """Accuracy, job-lost recall and confidently wrong guesses per kind of message."""
    rows: dict[str, list[tuple[str, str, float]]] = {}
    for (_, gold, predicted, confidence), kind in zip(predictions.rows(), predictions.kinds):
        rows.setdefault(kind or "(none)", []).append((gold, predicted, confidence))
    scores = {}
    for kind, items in sorted(rows.items()):
        lost = [p == g for g, p, _ in items if g == "report_job_lost"]
        scores[kind] = {
            "support": len(items),
            "accuracy": sum(g == p for g, p, _ in items) / len(items),
            "job_lost_recall": sum(lost) / len(lost) if lost else None,
            "sure_wrong": sum(g != p and c >= 0.6 for g, p, c in items),
        }
    return scores


def _macro(report: dict, labels: Sequence[str]) -> dict:
    """The unweighted mean of precision, recall and F1 over some intents."""
    keys = ("precision", "recall", "f1-score")
    macro = {k: float(np.mean([report[i][k] for i in labels])) for k in keys}
    return macro | {"support": sum(report[i]["support"] for i in labels)}


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


# --- entities -----------------------------------------------------------------------------

_PLACES = frozenset({"province", "city", "county"})


def _gold_value(entity: str, value: str) -> object:
    """The normalised value an annotation stands for ([三千八](income) means 3800)."""
    from yulu.nlu.entities import normalize_phone, parse_income, validate_id_number

    if entity == "income":
        return int(value) if value.isdigit() else parse_income(value)
    if entity == "phone":
        return normalize_phone(value)
    if entity == "id_number":
        return validate_id_number(value) or re.sub(r"[\s-]", "", fold_width(value)).upper()
    return value


def _gold_places(entity: str, value: str) -> set[str]:
    """The official names an annotated place stands for at its level ([東莞](city): 东莞市).

    The annotation is the writer's words (東莞, Shenzhen, 龙岗); every division they may name
    counts, so the extractor is judged on the place, not on how the annotator spelled it. A
    county-level city annotated as a city ([昆山](city)) names the 县级市 itself too.
    """
    from yulu.nlu.entities import default_gazetteer

    names = {value}
    for division in default_gazetteer().readings(value):
        level = dict(division.entities())
        if entity in level:
            names.add(level[entity])
        if entity == "city" and (division.county or "").endswith("市"):
            names.add(division.county)
    return names


def _same_value(entity: str, gold: object, found: object) -> bool:
    """Whether an extracted value is the annotated one (a place's short name names it too)."""
    if entity in _PLACES:
        names = _gold_places(entity, str(gold))
        return isinstance(found, str) and any(found.startswith(name) for name in names)
    return gold == found


def _matches(annotation: Annotation, found: dict) -> bool:
    """Same entity (a 县级市 may be annotated as a city), overlapping span, same value."""
    overlap = found["start"] < annotation.end and annotation.start < found["end"]
    gold = _gold_value(annotation.entity, annotation.value)
    county_city = annotation.entity == "city" and found["entity"] == "county"
    same = (found["entity"] == annotation.entity or county_city) and overlap
    return same and _same_value(annotation.entity, gold, found["value"])


def entity_scores(examples: Sequence[Example]) -> dict | None:
    """Per-entity recall and precision over the annotated examples (None if none is annotated).

    Recall: annotated entities found with the right value. Precision: entities the text names
    (levels inferred from a mention are not counted) that an annotation confirms; only examples
    with at least one annotation are counted, so an unannotated set scores nothing.
    """
    from yulu.nlu.entities import extract_entities

    annotated = [e for e in examples if e.entities]
    if not annotated:
        return None
    counts: dict[str, dict[str, int]] = {}
    errors = []
    for example in annotated:
        found = extract_entities(example.text)
        named = extract_entities(example.text, inferred=False)
        for annotation in example.entities:
            row = counts.setdefault(annotation.entity, {"gold": 0, "found": 0, "right": 0})
            row["gold"] += 1
            if any(_matches(annotation, f) for f in found):
                row["right"] += 1
            else:
                errors.append({"text": example.text, "missed": annotation.value, "found": found})
        for entity in named:
            row = counts.setdefault(entity["entity"], {"gold": 0, "found": 0, "right": 0})
            row["found"] += 1
            if not any(_matches(a, f) for a in example.entities for f in _levels(entity, found)):
                row["found_wrong"] = row.get("found_wrong", 0) + 1
    return _entity_summary(counts, errors)


def _levels(entity: dict, found: list[dict]) -> list[dict]:
    """A mention with the place levels inferred from it (龙岗 annotated as city 深圳市 counts)."""
    if entity["entity"] not in _PLACES:
        return [entity]
    span = (entity["start"], entity["end"])
    return [f for f in found if (f["start"], f["end"]) == span and f["entity"] in _PLACES]


def _entity_summary(counts: dict[str, dict[str, int]], errors: list[dict]) -> dict:
    """Recall, precision and F1 per entity and overall."""
    summary: dict = {}
    for name, row in [*sorted(counts.items()), ("all", _total(counts))]:
        recall = row["right"] / row["gold"] if row["gold"] else None
        wrong = row.get("found_wrong", 0)
        precision = (row["found"] - wrong) / row["found"] if row["found"] else None
        summary[name] = {
            "annotated": row["gold"],
            "right": row["right"],
            "found": row["found"],
            "recall": recall,
            "precision": precision,
        }
    summary["errors"] = errors
    return summary


def _total(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """The counts of every entity added up."""
    keys = ("gold", "found", "right", "found_wrong")
    return {k: sum(row.get(k, 0) for row in counts.values()) for k in keys}

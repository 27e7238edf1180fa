"""The in-process interpreter: trained from nlu/data, cached on disk by a hash of the data."""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from yulu.nlu.classifier import (
    DEFAULT_C,
    DEFAULT_LOST_BIAS,
    DEFAULT_LOST_FLOOR,
    DEFAULT_TAIL_WEIGHT,
    IntentModel,
    train_intent_model,
)
from yulu.nlu.cues import cues_hash
from yulu.nlu.entities import extract_entities, warm_up
from yulu.nlu.features import FeatureConfig, Featurizer
from yulu.nlu.gloss import glossary_hash
from yulu.nlu.guard import guard
from yulu.nlu.pinyin import build_pinyin_table, build_simplified_table
from yulu.nlu.places import Gazetteer, build_gazetteer
from yulu.nlu.result import Parse
from yulu.nlu.training_data import DATA_DIR, data_files, data_hash, load_training_data

log = logging.getLogger(__name__)

# Part of the cache key, with the feature settings: bump it when training code changes.
MODEL_VERSION = "yulu-nlu-6"
RANKING_LENGTH = 10
_PREFIX = "nlu-"


@dataclass
class ModelBundle:
    """Everything parsing needs, pickled as one file."""

    data_hash: str
    model: IntentModel
    gazetteer: Gazetteer
    training_seconds: float


def model_key(data_dir: Path) -> str:
    """The cache key: SHA-256 of the data files, the feature settings and MODEL_VERSION."""
    settings = (
        f"{FeatureConfig()!r}|C={DEFAULT_C}|bias={DEFAULT_LOST_BIAS}|floor={DEFAULT_LOST_FLOOR}"
        f"|tail={DEFAULT_TAIL_WEIGHT}"
    )
    salt = f"{MODEL_VERSION}|{settings}|{glossary_hash()}|{cues_hash()}"
    return data_hash(data_files(data_dir), salt=salt)


def model_path(model_dir: Path, key: str) -> Path:
    """Where the model for a cache key lives."""
    return model_dir / f"{_PREFIX}{key[:16]}.pkl"


def train_bundle(data_dir: Path) -> ModelBundle:
    """Train the intent model and build the place index from the data at a path."""
    started = time.perf_counter()
    data = load_training_data(data_dir)
    featurizer = Featurizer(FeatureConfig(), build_pinyin_table(), build_simplified_table())
    model = train_intent_model(
        [e.text for e in data.examples], [e.intent for e in data.examples], featurizer=featurizer
    )
    return ModelBundle(
        data_hash=model_key(data_dir),
        model=model,
        gazetteer=build_gazetteer(),
        training_seconds=time.perf_counter() - started,
    )


def save_bundle(bundle: ModelBundle, model_dir: Path) -> Path:
    """Write a bundle atomically (several processes may train at once) and drop stale ones."""
    model_dir.mkdir(parents=True, exist_ok=True)
    target = model_path(model_dir, bundle.data_hash)
    with tempfile.NamedTemporaryFile(dir=model_dir, suffix=".tmp", delete=False) as handle:
        pickle.dump(bundle, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.chmod(handle.name, 0o644)  # NamedTemporaryFile makes 0600; the bot may run as another user
    os.replace(handle.name, target)
    for stale in model_dir.glob(f"{_PREFIX}*.pkl"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


class EmbeddedInterpreter:
    """Parse messages in-process with the cached model.

    The cache is a pickle: only point model_dir at a directory this application writes.
    """

    def __init__(self, bundle: ModelBundle, path: Path) -> None:
        self._bundle = bundle
        self.model_path = path

    @property
    def data_hash(self) -> str:
        """The cache key of the data this model was trained on."""
        return self._bundle.data_hash

    @property
    def model(self) -> IntentModel:
        """The trained intent model."""
        return self._bundle.model

    @property
    def intents(self) -> tuple[str, ...]:
        """The intents the model can predict."""
        return self._bundle.model.intents

    @property
    def training_seconds(self) -> float:
        """How long training took."""
        return self._bundle.training_seconds

    @classmethod
    def load(cls, model_dir: Path, data_dir: Path | None = None) -> EmbeddedInterpreter:
        """Load the cached model for the data, training it first if missing or stale."""
        data_dir = data_dir or DATA_DIR
        path = model_path(model_dir, model_key(data_dir))
        if path.exists():
            with path.open("rb") as handle:
                bundle = pickle.load(handle)
            warm_up()
            return cls(bundle, path)
        log.info("no NLU model for the current data in %s; training", model_dir)
        return cls.train(model_dir, data_dir)

    @classmethod
    def train(cls, model_dir: Path, data_dir: Path | None = None) -> EmbeddedInterpreter:
        """Train from the data, cache the model, and return an interpreter for it."""
        bundle = train_bundle(data_dir or DATA_DIR)
        path = save_bundle(bundle, model_dir)
        log.info("trained NLU model %s in %.1f s", path, bundle.training_seconds)
        return cls(bundle, path)

    def entities(self, text: str) -> list[dict]:
        """The entities of a message, using the model's place index."""
        return extract_entities(text, gazetteer=self._bundle.gazetteer)

    def parse(self, text: str) -> Parse:
        """Classify a message, extract its entities, and flag a contradicted critical guess."""
        ranking = self._bundle.model.rank(text, limit=RANKING_LENGTH)
        name, confidence = ranking[0]
        parse = Parse(
            text=text,
            intent=name,
            confidence=confidence,
            entities=self.entities(text),
            intent_ranking=[{"name": n, "confidence": c} for n, c in ranking],
        )
        return guard(parse)

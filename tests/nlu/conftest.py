"""NLU fixtures: one model trained per test session from the real nlu/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from yulu.nlu import EmbeddedInterpreter
from yulu.nlu.training_data import DATA_DIR


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model directory holding the model trained from nlu/data."""
    directory = tmp_path_factory.mktemp("nlu-model")
    EmbeddedInterpreter.load(directory, DATA_DIR)
    return directory


@pytest.fixture(scope="session")
def interpreter(model_dir: Path) -> EmbeddedInterpreter:
    """The embedded interpreter over the session's cached model."""
    return EmbeddedInterpreter.load(model_dir, DATA_DIR)

"""NLU fixtures: one model trained per test run from the real nlu/data, shared by xdist workers."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from yulu.nlu import EmbeddedInterpreter
from yulu.nlu.training_data import DATA_DIR


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A model directory holding the model trained from nlu/data.

    Under xdist every worker has its own temp dir inside this run's; the first worker to take
    the lock trains into the run's shared directory and the others load its cached model.
    """
    if worker_id == "master":
        directory = tmp_path_factory.mktemp("nlu-model")
    else:
        directory = tmp_path_factory.getbasetemp().parent / "nlu-model"
        directory.mkdir(exist_ok=True)
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        EmbeddedInterpreter.load(directory, DATA_DIR)
    return directory


@pytest.fixture(scope="session")
def interpreter(model_dir: Path) -> EmbeddedInterpreter:
    """The embedded interpreter over the session's cached model."""
    return EmbeddedInterpreter.load(model_dir, DATA_DIR)

"""The garbage collector setting `yulu run` applies after start-up (yulu/core/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from yulu.core import collector
from yulu.core.config import Settings


@pytest.fixture(autouse=True)
def _python_default() -> Iterator[None]:
    """Leave the test process as Python set it up."""
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_tune_collects_rarely_and_freezes_what_startup_loaded() -> None:
    middle, old = gc.get_threshold()[1:]
    collector.tune(12_345)
    assert gc.get_threshold() == (12_345, middle, old)
    assert gc.get_freeze_count() > 0  # start-up's objects are out of every later collection


def test_zero_keeps_python_default() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    collector.tune(0)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_setting_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().gc_young == collector.DEFAULT_YOUNG
    monkeypatch.setenv("YULU_GC_YOUNG", "0")
    assert Settings().gc_young == 0
    monkeypatch.setenv("YULU_GC_YOUNG", "-1")
    with pytest.raises(ValueError):
        Settings()

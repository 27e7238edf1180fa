"""Quiet, lazy access to jionlp, whose import prints a banner to stdout."""

from __future__ import annotations

import contextlib
import functools
import io
from types import ModuleType


@functools.cache
def jionlp() -> ModuleType:
    """Import jionlp once, swallowing its banner so stdout stays machine-readable."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp as module
    return module

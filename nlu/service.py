"""What services call: one parse entry point whichever backend is configured."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Literal, Protocol

from yulu.nlu.embedded import EmbeddedInterpreter
from yulu.nlu.intents import CRITICAL_INTENTS
from yulu.nlu.rasa import RasaInterpreter
from yulu.nlu.result import Parse


class NluSettingsLike(Protocol):
    """The shape of yulu.core.config.NluSettings (nlu/ does not import the application)."""

    backend: Literal["embedded", "rasa"]
    rasa_url: str
    rasa_timeout_seconds: float
    confidence_threshold: float
    critical_threshold: float
    model_dir: Path


class NluService:
    """Understand a graduate's message and say whether the guess is safe to act on."""

    CRITICAL_INTENTS = CRITICAL_INTENTS

    def __init__(
        self,
        interpreter: EmbeddedInterpreter | RasaInterpreter,
        *,
        confidence_threshold: float,
        critical_threshold: float | None = None,
    ) -> None:
        self.interpreter = interpreter
        self.confidence_threshold = confidence_threshold
        # Acting on a critical intent unasked (a 失业 case for a cadre, silence, a plea) needs
        # more: the job-lost bias lifts unsure guesses, and a false case costs more than a tap.
        self.critical_threshold = max(confidence_threshold, critical_threshold or 0.0)

    async def parse(self, text: str) -> Parse:
        """Parse one message with the configured backend."""
        result = self.interpreter.parse(text)
        return await result if inspect.isawaitable(result) else result

    def is_confident(self, parse: Parse) -> bool:
        """Whether the intent is sure enough to act on (and to record as a status)."""
        critical = parse.intent in CRITICAL_INTENTS
        threshold = self.critical_threshold if critical else self.confidence_threshold
        return parse.confidence >= threshold and not parse.needs_confirmation

    def needs_confirmation(self, parse: Parse) -> bool:
        """Whether to ask before acting: a critical intent guessed without confidence, or one
        the text contradicts (Parse.needs_confirmation)."""
        return parse.intent in CRITICAL_INTENTS and not self.is_confident(parse)

    async def close(self) -> None:
        """Release the backend's connections."""
        if isinstance(self.interpreter, RasaInterpreter):
            await self.interpreter.close()


def build_nlu(settings: NluSettingsLike, *, data_dir: Path | None = None) -> NluService:
    """Build the NLU service from settings, training the embedded model if needed."""
    embedded = EmbeddedInterpreter.load(Path(settings.model_dir), data_dir)
    interpreter: EmbeddedInterpreter | RasaInterpreter = embedded
    if settings.backend == "rasa":
        interpreter = RasaInterpreter(
            settings.rasa_url, timeout=settings.rasa_timeout_seconds, fallback=embedded
        )
    return NluService(
        interpreter,
        confidence_threshold=settings.confidence_threshold,
        critical_threshold=settings.critical_threshold,
    )

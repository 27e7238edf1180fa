"""The service the bot calls: backend choice, and when a guess is safe to act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from yulu.core.config import NluSettings
from yulu.nlu import (
    CRITICAL_INTENTS,
    EmbeddedInterpreter,
    NluService,
    Parse,
    RasaInterpreter,
    build_nlu,
)


def _parse(intent: str, confidence: float) -> Parse:
    return Parse(text="…", intent=intent, confidence=confidence)


@pytest.fixture
def service(interpreter: EmbeddedInterpreter) -> NluService:
    return NluService(interpreter, confidence_threshold=0.6)


def test_critical_intents_are_the_costly_ones() -> None:
    assert CRITICAL_INTENTS == {"report_job_lost", "unsubscribe", "request_human"}
    assert NluService.CRITICAL_INTENTS == CRITICAL_INTENTS


@pytest.mark.parametrize(("confidence", "confident"), [(0.59, False), (0.6, True), (0.95, True)])
def test_is_confident_uses_the_threshold(
    service: NluService, confidence: float, confident: bool
) -> None:
    assert service.is_confident(_parse("report_employed", confidence)) is confident


@pytest.mark.parametrize(
    ("intent", "confidence", "ask"),
    [
        ("report_job_lost", 0.45, True),
        ("unsubscribe", 0.5, True),
        ("request_human", 0.3, True),
        ("report_job_lost", 0.9, False),
        ("report_employed", 0.45, False),
    ],
)
def test_low_confidence_critical_intent_needs_confirmation(
    service: NluService, intent: str, confidence: float, ask: bool
) -> None:
    assert service.needs_confirmation(_parse(intent, confidence)) is ask


async def test_parse_with_embedded_backend(service: NluService) -> None:
    parsed = await service.parse("被辞退了")
    assert parsed.intent == "report_job_lost" and service.is_confident(parsed)


def test_build_nlu_embedded(model_dir: Path) -> None:
    service = build_nlu(NluSettings(model_dir=model_dir, confidence_threshold=0.7))
    assert isinstance(service.interpreter, EmbeddedInterpreter)
    assert service.confidence_threshold == 0.7


async def test_build_nlu_rasa_keeps_embedded_fallback(model_dir: Path) -> None:
    settings = NluSettings(
        backend="rasa",
        rasa_url="http://127.0.0.1:5005/",
        rasa_timeout_seconds=1.5,
        model_dir=model_dir,
    )
    service = build_nlu(settings)
    backend = service.interpreter
    assert isinstance(backend, RasaInterpreter)
    assert (backend.url, backend.timeout) == ("http://127.0.0.1:5005", 1.5)
    assert isinstance(backend.fallback, EmbeddedInterpreter)
    await service.close()


@pytest.mark.parametrize(
    ("intent", "confidence", "ask"),
    [
        ("report_job_lost", 0.71, True),  # 行了 俺撤了 (a goodbye) came out as a loss at 0.71
        ("unsubscribe", 0.7, True),
        ("request_human", 0.74, True),
        ("report_job_lost", 0.75, False),
        ("report_employed", 0.7, False),  # an ordinary status still needs only 0.6
    ],
)
def test_a_critical_intent_is_acted_on_unasked_only_from_the_critical_threshold(
    interpreter: EmbeddedInterpreter, intent: str, confidence: float, ask: bool
) -> None:
    """A false 失业 alerts a cadre; a true one asked first costs the graduate one tap."""
    service = NluService(interpreter, confidence_threshold=0.6, critical_threshold=0.75)
    parse = _parse(intent, confidence)
    assert service.needs_confirmation(parse) is ask
    assert service.is_confident(parse) is not ask


def test_settings_carry_the_critical_threshold() -> None:
    assert NluSettings().critical_threshold == 0.75
    assert NluSettings(critical_threshold=0.9).critical_threshold == 0.9

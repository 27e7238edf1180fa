"""The result of understanding one message, shaped like Rasa's `POST /model/parse` answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Parse:
    """The intent, its confidence, the entities and the ranking of one message.

    `needs_confirmation` is set when the library itself doubts a critical guess (the text
    contradicts it, e.g. report_job_lost for 我没被裁 还在上班): ask before acting, whatever
    the confidence. It is not part of Rasa's answer, so `to_rasa` leaves it out (the
    confidence is capped as well, which Rasa clients do see).
    """

    text: str
    intent: str
    confidence: float
    entities: list[dict[str, Any]] = field(default_factory=list)
    intent_ranking: list[dict[str, Any]] = field(default_factory=list)
    needs_confirmation: bool = False

    def to_rasa(self) -> dict[str, Any]:
        """The JSON-ready dict Rasa's `POST /model/parse` would return."""
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": self.confidence},
            "entities": list(self.entities),
            "intent_ranking": list(self.intent_ranking),
        }

    @classmethod
    def from_rasa(cls, body: dict[str, Any]) -> Parse:
        """Read a Rasa `POST /model/parse` answer (KeyError/TypeError when it is malformed)."""
        intent = body["intent"]
        return cls(
            text=str(body["text"]),
            intent=str(intent["name"]),
            confidence=float(intent["confidence"]),
            entities=list(body.get("entities") or []),
            intent_ranking=[
                {"name": str(r["name"]), "confidence": float(r["confidence"])}
                for r in body.get("intent_ranking") or []
            ],
        )

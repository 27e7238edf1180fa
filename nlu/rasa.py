"""A Rasa server as the intent classifier, with the embedded interpreter as the safety net."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from yulu.nlu.embedded import EmbeddedInterpreter
from yulu.nlu.guard import guard
from yulu.nlu.result import Parse

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)


class RasaInterpreter:
    """Ask a Rasa server's `POST /model/parse`; on any failure, parse in-process instead.

    Entities always come from the rule extractors, so values are normalised (income as yuan,
    official place names) whichever backend classified the intent.
    """

    def __init__(self, url: str, *, timeout: float, fallback: EmbeddedInterpreter) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.fallback = fallback
        self._session: aiohttp.ClientSession | None = None

    async def parse(self, text: str) -> Parse:
        """Classify a message with the Rasa server, falling back to the embedded model."""
        import aiohttp  # lazily: most deployments never use this backend

        try:
            remote = Parse.from_rasa(await self._post(text))
        except (TimeoutError, aiohttp.ClientError, ValueError, KeyError, TypeError) as exc:
            log.warning("Rasa server %s failed (%r); using the embedded NLU", self.url, exc)
            return self.fallback.parse(text)
        parse = Parse(
            text=text,
            intent=remote.intent,
            confidence=remote.confidence,
            entities=self.fallback.entities(text),
            intent_ranking=remote.intent_ranking,
        )
        return guard(parse)

    async def _post(self, text: str) -> dict:
        """POST the text to /model/parse and return the decoded JSON body."""
        import aiohttp

        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            self._session = aiohttp.ClientSession(timeout=timeout)
        async with self._session.post(f"{self.url}/model/parse", json={"text": text}) as response:
            response.raise_for_status()
            return await response.json(content_type=None)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

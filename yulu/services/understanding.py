"""The NLU as the bot uses it: loaded in the background so start-up never waits for training."""

from __future__ import annotations

import asyncio
import logging

from yulu.core.config import NluSettings
from yulu.nlu import NluService, Parse, build_nlu

log = logging.getLogger(__name__)


class Understanding:
    """Parses free text once the model is ready; until then `parse` returns None."""

    def __init__(self, settings: NluSettings) -> None:
        self._settings = settings
        self._service: NluService | None = None
        self._loading: asyncio.Task[None] | None = None

    def start_loading(self) -> None:
        """Load (or first train) the model in a worker thread."""
        self._loading = asyncio.get_running_loop().create_task(self._load())

    async def _load(self) -> None:
        try:
            self._service = await asyncio.to_thread(build_nlu, self._settings)
        except Exception:
            log.exception("NLU could not be loaded; free text gets the menu")
            return
        log.info("NLU ready (%s backend)", self._settings.backend)

    @property
    def ready(self) -> bool:
        return self._service is not None

    async def wait_ready(self) -> None:
        """Wait for the model (tests and benchmarks)."""
        if self._loading is not None:
            await self._loading

    async def parse(self, text: str) -> Parse | None:
        """The parse of a message, or None while the model is loading."""
        return await self._service.parse(text) if self._service else None

    def is_confident(self, parse: Parse) -> bool:
        return self._service is not None and self._service.is_confident(parse)

    def needs_confirmation(self, parse: Parse) -> bool:
        return self._service is not None and self._service.needs_confirmation(parse)

    async def close(self) -> None:
        if self._service is not None:
            await self._service.close()

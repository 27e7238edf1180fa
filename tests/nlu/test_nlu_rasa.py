"""The Rasa backend against a local stand-in for `POST /model/parse`, and its fallback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from yulu.nlu import EmbeddedInterpreter, NluService, RasaInterpreter


@dataclass
class StandIn:
    """A fake Rasa server: its URL, how it should misbehave, and what it was sent."""

    url: str = ""
    mode: str = "ok"
    received: list[dict] = field(default_factory=list)


STAND_IN = web.AppKey("stand_in", StandIn)


async def _model_parse(request: web.Request) -> web.Response:
    stand_in = request.app[STAND_IN]
    body = await request.json()
    stand_in.received.append(body)
    if stand_in.mode == "error":
        return web.Response(status=500, text="model not loaded")
    if stand_in.mode == "slow":
        await asyncio.sleep(2)
    if stand_in.mode == "garbage":
        return web.Response(text="<html>proxy error</html>")
    # Deliberately an intent the embedded model would not give, to see who answered.
    return web.json_response(
        {
            "text": body["text"],
            "intent": {"name": "ask_policy", "confidence": 0.91},
            "entities": [{"entity": "x", "value": "y", "start": 0, "end": 1, "extractor": "DIET"}],
            "intent_ranking": [
                {"name": "ask_policy", "confidence": 0.91},
                {"name": "ask_jobs", "confidence": 0.09},
            ],
        }
    )


@pytest.fixture
async def rasa() -> AsyncIterator[StandIn]:
    stand_in = StandIn()
    app = web.Application()
    app[STAND_IN] = stand_in
    app.router.add_post("/model/parse", _model_parse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    stand_in.url = f"http://127.0.0.1:{port}"
    yield stand_in
    await runner.cleanup()


@pytest.fixture
async def service(rasa: StandIn, interpreter: EmbeddedInterpreter) -> AsyncIterator[NluService]:
    backend = RasaInterpreter(rasa.url, timeout=0.3, fallback=interpreter)
    nlu = NluService(backend, confidence_threshold=0.6)
    yield nlu
    await nlu.close()


async def test_uses_the_rasa_server_intent(rasa: StandIn, service: NluService) -> None:
    parsed = await service.parse("厂子倒闭了 月薪三千八")
    assert rasa.received == [{"text": "厂子倒闭了 月薪三千八"}]
    assert (parsed.intent, parsed.confidence) == ("ask_policy", 0.91)
    assert parsed.intent_ranking[1] == {"name": "ask_jobs", "confidence": 0.09}
    # Entities come from the rule extractors, normalised whatever the backend.
    assert parsed.entities == [{"entity": "income", "value": 3800, "start": 8, "end": 11}]


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
async def test_falls_back_to_embedded_when_rasa_fails(
    rasa: StandIn, service: NluService, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    rasa.mode = mode
    with caplog.at_level(logging.WARNING, logger="yulu.nlu.rasa"):
        parsed = await service.parse("厂子倒闭了")
    assert rasa.received == [{"text": "厂子倒闭了"}]
    assert parsed.intent == "report_job_lost"
    assert "using the embedded NLU" in caplog.text


async def test_falls_back_when_nothing_listens(interpreter: EmbeddedInterpreter) -> None:
    backend = RasaInterpreter("http://127.0.0.1:9", timeout=0.5, fallback=interpreter)
    try:
        assert (await backend.parse("我要退订")).intent == "unsubscribe"
    finally:
        await backend.close()

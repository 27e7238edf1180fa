"""Fixtures: a sandbox on an ephemeral port, a control-API client and a real aiogram Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sandbox_helpers import TOKEN, Control

from yulu.sandbox import BotApiSandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[BotApiSandbox]:
    server = BotApiSandbox(port=0)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http(sandbox: BotApiSandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=sandbox.url) as session:
        yield session


@pytest.fixture
async def bot(sandbox: BotApiSandbox) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.url))
    client = Bot(token=TOKEN, session=session)
    yield client
    await client.session.close()


@pytest.fixture
def control(http: aiohttp.ClientSession) -> Control:
    return Control(http)

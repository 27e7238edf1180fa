"""What the request handlers share: state, the webhook pusher, the bot's name, the demo hook."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from yulu.sandbox.objects import BotProfile
from yulu.sandbox.state import SandboxState
from yulu.sandbox.webhook import WebhookPusher

DemoLoader = Callable[[], Awaitable[str]]


@dataclass
class Runtime:
    """Objects injected into the aiohttp app for every handler."""

    state: SandboxState
    webhook: WebhookPusher
    bot_username: str
    on_demo: DemoLoader | None = None

    def bot(self, token: str) -> BotProfile:
        """Return the bot a token belongs to (its id is the token's digits)."""
        return BotProfile(bot_id=int(token.split(":", 1)[0]), username=self.bot_username)

    def any_bot(self) -> BotProfile:
        """The bot profile for updates created by the page (id of the last token seen)."""
        return BotProfile(bot_id=self.state.last_bot_id, username=self.bot_username)


RUNTIME = web.AppKey("sandbox_runtime", Runtime)

"""BotApiSandbox: the local Telegram-compatible Bot API server plus the web chat page."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from yulu.sandbox import botapi, control, control_admin
from yulu.sandbox.limits import Limits
from yulu.sandbox.params import Params
from yulu.sandbox.runtime import RUNTIME, DemoLoader, Runtime
from yulu.sandbox.state import Identity, SandboxState, default_identities
from yulu.sandbox.webhook import WebhookPusher

log = logging.getLogger(__name__)
INDEX_HTML = Path(__file__).parent / "static" / "index.html"
TOKEN_IN_PATH = re.compile(r"^/bot[^/]+/")
QUIET_PATHS = ("/getUpdates", "/wait")


class TokenMaskingAccessLogger(AbstractAccessLogger):
    """Access log that never writes the bot token; long-polls only at DEBUG."""

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        super().__init__(logging.getLogger("sandbox.access"), log_format)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """Write one line per request."""
        path = TOKEN_IN_PATH.sub("/bot<token>/", request.path)
        level = logging.DEBUG if path.endswith(QUIET_PATHS) else logging.INFO
        self.logger.log(level, "%s %s %s %.3fs", request.method, path, response.status, time)


class BotApiSandbox:
    """A Telegram-compatible Bot API server with a web chat page, all in memory."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8081,
        bot_username: str = "yulu_sandbox_bot",
        limits: Limits | None = None,
        identities: list[Identity] | None = None,
        on_demo: DemoLoader | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.state = SandboxState(
            limits=limits or Limits(), identities=identities or default_identities()
        )
        self._runtime = Runtime(
            state=self.state,
            webhook=WebhookPusher(self.state, self._execute),
            bot_username=bot_username,
            on_demo=on_demo,
        )
        self.app: web.Application = build_app(self._runtime)
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None

    @property
    def url(self) -> str:
        """Base URL of the server, with port 0 resolved to the bound port."""
        return f"http://{self.host}:{self._bound_port or self.port}"

    async def start(self) -> None:
        """Start listening."""
        self.state.closing = False
        self._runner = web.AppRunner(
            self.app, access_log_class=TokenMaskingAccessLogger, shutdown_timeout=2.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self._bound_port = self._runner.addresses[0][1]
        log.info("Bot API sandbox listening on %s", self.url)

    async def stop(self) -> None:
        """End long-polls, stop the webhook pusher and close the server."""
        self.state.closing = True
        self.state.updates.changed.notify()
        self.state.touch()
        await self._runtime.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _execute(self, token: str, method: str, params: Params) -> tuple[int, dict[str, Any]]:
        return await botapi.call_method(self._runtime, token=token, name=method, params=params)


def build_app(runtime: Runtime) -> web.Application:
    """Wire the Bot API, the control API and the page into one aiohttp app."""
    app = web.Application()
    app[RUNTIME] = runtime
    app.router.add_route("*", "/bot{token}/{method}", botapi.handle)
    app.add_routes(control.routes)
    app.add_routes(control_admin.routes)
    app.router.add_get("/", index)
    return app


async def index(request: web.Request) -> web.FileResponse:
    """Serve the chat page."""
    return web.FileResponse(INDEX_HTML, headers={"Cache-Control": "no-cache"})

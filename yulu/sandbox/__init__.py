"""Local Telegram-compatible Bot API server and web chat page (雨露 sandbox).

`yulu run` uses it when no token is configured; end-to-end tests run the real bot against it.
"""

from yulu.sandbox.cli import main
from yulu.sandbox.limits import Limits
from yulu.sandbox.server import BotApiSandbox
from yulu.sandbox.state import Identity, SandboxState

__all__ = ["BotApiSandbox", "Identity", "Limits", "SandboxState", "main"]

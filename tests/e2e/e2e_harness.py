"""Run the real `yulu run` process against its sandbox and talk to it like a person would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STARTUP_TIMEOUT = 90.0
REPLY_TIMEOUT = 20.0
SETTLE_SECONDS = 0.4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(
    url: str,
    body: dict[str, Any] | None = None,
    *,
    method: str | None = None,
    timeout: float = 30.0,
) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method or ("POST" if data else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


@dataclass
class BotProcess:
    """One `yulu run` subprocess serving the sandbox on a free port."""

    workdir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    args: tuple[str, ...] = ()
    database_url: str = ""
    ready_url: str = ""  # the Bot API server to watch (default: the bot's own sandbox)
    wait: str = "polling"  # or "webhook", or "worker" (no updates: sends and schedules only)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bot-{self.port}.log"

    def start(self) -> BotProcess:
        self.launch()
        self.wait_ready()
        return self

    def launch(self) -> None:
        """Start the process without waiting for it."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("YULU_TELEGRAM")}
        env = {**inherited, **self.env, "YULU_SANDBOX_PORT": str(self.port)}
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "yulu", "run", *self.args],
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_page(self) -> None:
        """Wait until the sandbox serves its chat page."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"yulu run exited {self.process.returncode}:\n{self.log()}")
            time.sleep(0.1)
        raise RuntimeError(f"chat page not served after {STARTUP_TIMEOUT}s:\n{self.log()}")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"yulu run exited {self.process.returncode}:\n{self.log()}")
            if self.wait == "worker":
                if "worker process" in self.log():
                    return
                time.sleep(0.2)
                continue
            try:
                stats = http_json(f"{self.ready_url or self.url}/sandbox/api/stats", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
                continue
            calls = stats.get("count_by_method", {})
            if calls.get("getUpdates" if self.wait == "polling" else "setWebhook"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"yulu run not polling after {STARTUP_TIMEOUT}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """kill -9: no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Chat:
    """A Telegram user in the sandbox: sends text, taps buttons, reads the bot's replies."""

    def __init__(self, base_url: str, user_id: int, first_name: str = "小李") -> None:
        self.base = f"{base_url}/sandbox/api/users/{user_id}"
        self.user_id = user_id
        self.first_name = first_name
        self.seen = 0

    def _messages(self, after: int = 0) -> list[dict[str, Any]]:
        return http_json(f"{self.base}/chat?after={after}")["messages"]

    def history(self) -> list[dict[str, Any]]:
        return self._messages()

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self._messages() if m["from"] == "bot"]

    def wait_replies(self, after: int, *, timeout: float = REPLY_TIMEOUT) -> list[dict[str, Any]]:
        """Bot messages newer than `after`, once the bot has gone quiet for a moment."""
        deadline = time.monotonic() + timeout
        replies: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            http_json(f"{self.base}/wait?after={after}&timeout=5", timeout=10)
            replies = [m for m in self._messages(after) if m["from"] == "bot"]
            if replies:
                time.sleep(SETTLE_SECONDS)
                replies = [m for m in self._messages(after) if m["from"] == "bot"]
                break
        if not replies:
            raise AssertionError(f"no reply from the bot within {timeout}s")
        self.seen = max(m["message_id"] for m in replies)
        return replies

    def send(self, text: str) -> list[dict[str, Any]]:
        """Type a message and return the bot's replies."""
        sent = http_json(f"{self.base}/messages", {"text": text, "first_name": self.first_name})
        return self.wait_replies(sent["message_id"])

    def send_media(self, kind: str) -> list[dict[str, Any]]:
        """Send a sticker, photo or voice note."""
        sent = http_json(f"{self.base}/messages", {kind: True, "first_name": self.first_name})
        return self.wait_replies(sent["message_id"])

    def button(self, label: str) -> tuple[int, str]:
        """The newest bot message with a button whose text contains `label`."""
        for message in reversed(self.bot_messages()):
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r} in the chat")

    def tap(self, label: str) -> list[dict[str, Any]]:
        """Tap an inline button and return the bot's new messages."""
        message_id, data = self.button(label)
        last = max((m["message_id"] for m in self._messages()), default=0)
        http_json(f"{self.base}/callback", {"message_id": message_id, "data": data})
        return self.wait_replies(last)

    def tap_quietly(self, label: str) -> None:
        """Tap a button that answers only with a toast or an edit."""
        message_id, data = self.button(label)
        http_json(f"{self.base}/callback", {"message_id": message_id, "data": data})
        time.sleep(1.0)


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] or "" for m in messages)


def run_sandbox(tmp_path: Path, *flags: str) -> Iterator[str]:
    """A standalone `python -m yulu.sandbox` that outlives bot processes; yields its URL."""
    port = free_port()
    log = (tmp_path / f"sandbox-{port}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "yulu.sandbox", "--port", str(port), *flags],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http_json(f"{url}/sandbox/api/stats", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)

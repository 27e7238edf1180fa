"""Run the real `yulu run` process against a Bot API sandbox and talk to it over HTTP.

Only what needs a real process lives here: start-up from nothing, kill -9 and restart,
several processes on one store. Journeys are tested in-process (tests/journey.py).
Processes start the way a shell starts a background job (SIGINT ignored), so a stop by
signal is tested the hard way.
"""

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

from waiting import wait_until

STARTUP_TIMEOUT = 120.0  # generous: a busy 2-core machine imports slowly
REPLY_TIMEOUT = 60.0
STOP_SECONDS = 3.0  # a process manager's stop must finish within this


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


def _reachable(url: str) -> Any:
    try:
        return http_json(url, timeout=5)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _ignore_sigint() -> None:
    """What a shell does to a background job (`yulu run &`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
    wait: str = "polling"  # or "worker" (no updates: sends and schedules only)

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
        env.setdefault("YULU_WEB_PORT", str(free_port()))  # the staff console, when served
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "yulu", "run", *self.args],
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_ignore_sigint,
        )

    def _alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"yulu run exited {self.process.returncode}:\n{self.log()}")

    def wait_page(self) -> None:
        """Wait until the sandbox serves its chat page."""

        def served() -> bool:
            self._alive()
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_until(served, what=f"the chat page\n{self.log()}", timeout=STARTUP_TIMEOUT)

    def wait_ready(self) -> None:
        """Wait until the bot polls its Bot API server (or, for a worker, says it runs)."""

        def ready() -> bool:
            self._alive()
            if self.wait == "worker":
                return "worker process" in self.log()
            stats = _reachable(f"{self.ready_url or self.url}/sandbox/api/stats")
            return bool(stats and stats.get("count_by_method", {}).get("getUpdates"))

        wait_until(ready, what=f"yulu run to poll\n{self.log()}", timeout=STARTUP_TIMEOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """kill -9: no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def stop(self, signum: signal.Signals = signal.SIGTERM) -> float:
        """Stop by signal; returns the seconds it took. Fails if not gone within 3 s."""
        if not self.process or self.process.poll() is not None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signum)
        try:
            code = self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"yulu run still running {STOP_SECONDS}s after {signum.name}:\n{self.log()}"
            ) from None
        assert code == 0, f"yulu run exited {code} on {signum.name}:\n{self.log()}"
        return time.monotonic() - started

    def ensure_stopped(self) -> None:
        """At teardown: stop it whatever state the test left it in."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()


class Chat:
    """A Telegram user in the sandbox: sends text, taps buttons, reads the bot's replies."""

    def __init__(self, base_url: str, user_id: int, first_name: str = "小李") -> None:
        self.base = f"{base_url}/sandbox/api/users/{user_id}"
        self.user_id = user_id
        self.first_name = first_name

    def _messages(self, after: int = 0) -> list[dict[str, Any]]:
        return http_json(f"{self.base}/chat?after={after}")["messages"]

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self._messages() if m["from"] == "bot"]

    def wait_reply(self, after: int, expect: str, *, timeout: float = REPLY_TIMEOUT) -> str:
        """The text of the bot's messages after `after`, once one of them contains `expect`."""

        def replied() -> str:
            http_json(f"{self.base}/wait?after={after}&timeout=5", timeout=15)  # long-poll
            reply = texts([m for m in self._messages(after) if m["from"] == "bot"])
            return reply if expect in reply else ""

        return wait_until(replied, what=f"a reply with {expect!r}", timeout=timeout)

    def send(self, text: str, *, expect: str) -> str:
        """Type a message; returns the bot's reply once it contains `expect`."""
        sent = http_json(f"{self.base}/messages", {"text": text, "first_name": self.first_name})
        return self.wait_reply(sent["message_id"], expect)

    def tap(self, label: str, *, expect: str) -> str:
        """Tap an inline button; returns the bot's reply once it contains `expect`."""
        message_id, data = self.button(label)
        last = max((m["message_id"] for m in self._messages()), default=0)
        http_json(f"{self.base}/callback", {"message_id": message_id, "data": data})
        return self.wait_reply(last, expect)

    def button(self, label: str) -> tuple[int, str]:
        """The newest bot message with a button whose text contains `label`."""
        for message in reversed(self.bot_messages()):
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r} in the chat")


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
    try:
        wait_until(lambda: _reachable(f"{url}/sandbox/api/stats"), what="the sandbox", timeout=60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

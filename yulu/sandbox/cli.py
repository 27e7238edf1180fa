"""`python -m yulu.sandbox`: run the Bot API sandbox on its own until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from yulu.sandbox.limits import Limits
from yulu.sandbox.server import BotApiSandbox


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m yulu.sandbox",
        description="Local Telegram Bot API sandbox with a web chat page.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="yulu_sandbox_bot")
    parser.add_argument(
        "--limits",
        action="store_true",
        help="enforce Telegram-like flood control (30/s, 1/s per chat)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run the sandbox until SIGINT or SIGTERM."""
    sandbox = BotApiSandbox(
        host=args.host,
        port=args.port,
        bot_username=args.bot_username,
        limits=Limits(enabled=args.limits),
    )
    await sandbox.start()
    print(
        f"Bot API sandbox: {sandbox.url}  (chat page at /, Bot API at /bot<token>/<method>)",
        flush=True,
    )
    # Both signals, explicitly: a shell's background job (`python -m yulu.sandbox &`) starts
    # with SIGINT ignored, so Ctrl-C's KeyboardInterrupt cannot be relied on.
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # no loop signal handlers on Windows
            loop.add_signal_handler(signum, stopped.set)
    try:
        await stopped.wait()
    finally:
        await sandbox.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point of `python -m yulu.sandbox --port 8081 [--limits]`."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))

"""Run the Bot API sandbox: python -m yulu.sandbox --port 8081 [--limits]."""

from yulu.sandbox.cli import main

main()

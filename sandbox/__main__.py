"""Run the Bot API sandbox: python -m sandbox --port 8081 [--limits]."""

from sandbox.cli import main

main()

"""`python -m yulu` is the `yulu` command."""

from yulu.cli import app

app(prog_name="yulu")

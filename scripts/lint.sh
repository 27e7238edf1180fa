#!/usr/bin/env bash
# Static checks run by .ci/run: ruff (style, line length, no bare top-level imports) and the
# import contract (import-linter). The contract is checked on the package as it installs:
# bot/, nlu/ and storage/ laid out under yulu/ the way setuptools' package-dir maps them
# (import-linter walks folders, and would not see the mapped ones in the source tree).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(pwd)/.venv/bin"

"$BIN/ruff" check --quiet .

layout="$(mktemp -d)"
trap 'rm -rf "$layout"' EXIT
cp -r yulu "$layout/yulu"
for part in bot nlu storage; do cp -r "$part" "$layout/yulu/$part"; done
cp pyproject.toml "$layout/"
(cd "$layout" && PYTHONPATH="$layout" "$BIN/lint-imports" --no-cache pyproject.toml)

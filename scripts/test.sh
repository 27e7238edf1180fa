#!/usr/bin/env bash
# Install everything the test suite needs, then run it (README command 2).
#   - a virtualenv in .venv with Yulu and its test extras
#   - Debian's chromium + chromium-driver for the browser test (when run as root with apt)
# PostgreSQL tests run when YULU_TEST_DATABASE_URL is set; otherwise they skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium and chromium-driver (browser tests)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
  else
    echo "== chromium not found and cannot install it here: the browser test will skip"
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
echo "== lint: ruff and the import contract (scripts/lint.sh)"
bash scripts/lint.sh
exec .venv/bin/python -m pytest -ra "$@"

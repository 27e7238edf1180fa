#!/usr/bin/env bash
# Install everything the test suite needs, then run it (README command 2).
#   - a virtualenv in .venv with Yulu and its test extras
#   - Debian's chromium + chromium-driver for the browser test, fonts-wqy-microhei and
#     poppler-utils for the annual report (when run as root with apt)
# PostgreSQL tests run when YULU_TEST_DATABASE_URL is set; otherwise they skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-wqy-microhei: the Chinese font the annual report embeds (Apache-2.0); poppler-utils:
# pdftoppm/pdftotext, with which the report test renders the PDF's pages.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
   || ! command -v pdftoppm >/dev/null || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium, chromium-driver, fonts-wqy-microhei, poppler-utils"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei poppler-utils >/dev/null
  else
    echo "== cannot install them here: the browser test and the PDF page test will skip"
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'  # Python 3.11's own pip installs pyproject editables
echo "== lint: ruff and the import contract (scripts/lint.sh)"
bash scripts/lint.sh
# Three workers (pytest-xdist) on this 2-core machine: the longest tests (real processes,
# rate-limited sends) spend most of their time waiting on processes and Telegram's limits, so
# a third worker runs in-process tests meanwhile (pytest 224 s against 321 s with two, one run
# each on a loaded machine); the timing tests wait for conditions with deadlines and allow
# arrival jitter, so they hold under it. worksteal: a worker that runs out takes queued tests
# from the others, so the few long tests do not leave a core idle at the end.
exec .venv/bin/python -m pytest -ra -n 3 --dist worksteal "$@"

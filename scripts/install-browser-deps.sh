#!/usr/bin/env bash
# Installs what the studio's browser test needs (Tests/Browser/studio_test.py): Debian's
# chromium and chromium-driver, and a virtual environment .venv-browser with selenium from PyPI.
# Idempotent: does nothing when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh chromium chromium-driver python3-venv
if ! .venv-browser/bin/python -c "import selenium" >/dev/null 2>&1; then
  python3 -m venv .venv-browser
  .venv-browser/bin/pip install -q "selenium>=4.20"
fi

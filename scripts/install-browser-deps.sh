#!/usr/bin/env bash
# Installs what the studio's browser test needs (Tests/Browser/studio_test.py): Debian's
# chromium and chromium-driver, and a virtual environment .venv-browser with selenium from PyPI.
# Idempotent: does nothing when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(chromium chromium-driver python3-venv)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3 may bring venv itself rather than Debian's python3-venv.
if [ ${#missing[@]} -gt 0 ] && python3 -m venv --help >/dev/null 2>&1; then
  filtered=(); for p in "${missing[@]}"; do [ "$p" = python3-venv ] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! .venv-browser/bin/python -c "import selenium" >/dev/null 2>&1; then
  python3 -m venv .venv-browser
  .venv-browser/bin/pip install -q "selenium>=4.20"
fi

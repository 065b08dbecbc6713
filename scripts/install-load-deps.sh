#!/usr/bin/env bash
# Installs what scripts/studio-load.sh needs: Debian's wrk (an HTTP load generator) and curl.
# Idempotent: does nothing when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh wrk curl

#!/usr/bin/env bash
# Installs what scripts/studio-load.sh needs: Debian's wrk (an HTTP load generator) and curl.
# Idempotent: does nothing when they are already there.
set -euo pipefail
missing=()
for p in wrk curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

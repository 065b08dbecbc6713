#!/usr/bin/env bash
# Installs the Debian packages Pincel builds against. Idempotent: does nothing when
# they are already installed.
set -euo pipefail
pkgs=(libdnnl-dev libvips-dev zlib1g-dev libsqlite3-dev pkg-config python3-pip)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# pip may come from python3 itself rather than Debian's python3-pip.
if [ ${#missing[@]} -gt 0 ] && python3 -m pip --version >/dev/null 2>&1; then
  filtered=(); for p in "${missing[@]}"; do [ "$p" = python3-pip ] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

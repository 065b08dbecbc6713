#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (none: does
# nothing). python3-venv and python3-pip are skipped when python3 already brings venv or pip.
# Run by install-deps.sh and the install-*-deps.sh scripts, so each stays idempotent.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3 may bring venv and pip itself rather than Debian's python3-venv and python3-pip.
brought=()
python3 -m venv --help >/dev/null 2>&1 && brought+=(python3-venv)
python3 -m pip --version >/dev/null 2>&1 && brought+=(python3-pip)
if [ ${#missing[@]} -gt 0 ] && [ ${#brought[@]} -gt 0 ]; then
  filtered=()
  for p in "${missing[@]}"; do [[ " ${brought[*]} " == *" $p "* ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

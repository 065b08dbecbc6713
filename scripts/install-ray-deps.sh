#!/usr/bin/env bash
# Installs what the Ray tests need (Tests/Ray/test_ray.py): a virtual environment .venv-ray with
# Ray 2.60 from PyPI and the pincel-ray client (clients/ray, installed editable), plus Debian's
# ffmpeg, iproute2 (ip) and util-linux (unshare). Idempotent: does nothing when they are there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh ffmpeg iproute2 util-linux python3-venv
if ! .venv-ray/bin/python -c "import ray, numpy, sys; sys.exit(0 if ray.__version__.startswith('2.60.') else 1)" >/dev/null 2>&1; then
  python3 -m venv .venv-ray
  .venv-ray/bin/pip install -q "ray==2.60.*" numpy
fi
if ! .venv-ray/bin/python -c "import pincel_ray" >/dev/null 2>&1 || [ ! -x .venv-ray/bin/pincel-ray ]; then
  .venv-ray/bin/pip install -q --no-deps -e clients/ray
fi

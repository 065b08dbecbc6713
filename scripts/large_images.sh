#!/usr/bin/env bash
# Peak resident memory and time per iteration of full transfers at large sizes (issue
# "Speed"). Single scale, a few iterations, so the numbers are those of the largest size.
# Usage: scripts/large_images.sh [PINCEL_BIN] [OUT_DIR]; env SIZES, ITERATIONS, CONTENT, STYLE.
set -euo pipefail
BIN=${1:-.build/release/pincel}
OUT=${2:-out/large}
SIZES=${SIZES:-512 1024 2048 3840}
ITERATIONS=${ITERATIONS:-5}
CONTENT=${CONTENT:-Examples/astronaut.png}
STYLE=${STYLE:-Examples/starry_night.jpg}
mkdir -p "$OUT"
printf "%-30s %6s %10s %10s %12s %8s\n" content size pixels s_per_it peak_RSS_GiB recompute
for size in $SIZES; do
  for recompute in ${RECOMPUTE:-auto}; do
    log="$OUT/$size-$recompute.csv"
    /usr/bin/time -f "%M" -o "$OUT/$size-$recompute.rss" "$BIN" --content "$CONTENT" --style "$STYLE" \
      --size "$size" --scales 1 --iterations "$ITERATIONS" --seed 1 --quiet --recompute "$recompute" \
      --log "$log" --output "$OUT/$size-$recompute.png" >/dev/null
    dims=$(vipsheader "$OUT/$size-$recompute.png" | sed -E 's/.* ([0-9]+)x([0-9]+) .*/\1 \2/')
    set -- $dims
    # Seconds per iteration: from the first evaluation to the last (targets excluded).
    awk -F, -v c="$(basename "$CONTENT")" -v s="$size" -v px="$(( $1 * $2 ))" -v r="$recompute" \
      -v rss="$(tail -1 "$OUT/$size-$recompute.rss")" '
      NR == 2 { t1 = $2 } $1 ~ /^[0-9]+$/ { n = $1; tn = $2 }
      END { printf "%-30s %6d %10d %10.2f %12.2f %8s\n", c, s, px, (tn - t1) / (n - 1), rss / 1048576, r }' "$log"
  done
done

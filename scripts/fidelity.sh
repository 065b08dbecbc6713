#!/usr/bin/env bash
# Output fidelity (issue "Output fidelity"): for two bundled pairs and two sizes, the
# objective inside the optimiser and of the image as saved (8-bit), with and without
# the 0…255 bounds, at equal iterations. Usage: scripts/fidelity.sh [PINCEL_BIN] [OUT_DIR]
set -euo pipefail
BIN=${1:-.build/release/pincel}
OUT=${2:-out/fidelity}
SIZES=${SIZES:-256 512}
ITERATIONS=${ITERATIONS:-300}
mkdir -p "$OUT"
pairs=("astronaut.png starry_night.jpg" "chelsea.png the_scream.jpg")
printf "%-28s %5s %-10s %12s %12s %8s\n" pair size mode optimiser saved gap%
for size in $SIZES; do
  for pair in "${pairs[@]}"; do
    set -- $pair
    name="${1%.*}-${2%.*}"
    for mode in bounded unbounded; do
      flag=""; [ "$mode" = unbounded ] && flag="--unbounded"
      log="$OUT/$name-$size-$mode.csv"
      "$BIN" --content "Examples/$1" --style "Examples/$2" --size "$size" --scales 1 --iterations "$ITERATIONS" \
        --seed 1 --tolerance 0 --quiet $flag --log "$log" --output "$OUT/$name-$size-$mode.png" >/dev/null
      awk -F, -v name="$name" -v size="$size" -v mode="$mode" '
        $1 == "# saved" { saved = $6; next } NR > 1 { last = $8 }
        END { printf "%-28s %5d %-10s %12.5g %12.5g %8.2f\n", name, size, mode, last, saved, 100 * (saved - last) / last }' "$log"
    done
  done
done

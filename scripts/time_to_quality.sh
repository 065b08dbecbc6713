#!/usr/bin/env bash
# Time-to-quality at 512 px (issue "Speed"): the objective single-scale L-BFGS reaches
# after 500 iterations from noise, then how long the coarse-to-fine pyramid needs to
# reach a value at least as low. Usage: scripts/time_to_quality.sh [PINCEL_BIN] [OUT_DIR]
set -euo pipefail
BIN=${1:-.build/release/pincel}
OUT=${2:-out/ttq}
SIZE=${SIZE:-512}
SINGLE=${SINGLE:-500}
PYRAMID=${PYRAMID:-300,150,500}
mkdir -p "$OUT"
pairs=("astronaut.png starry_night.jpg" "chelsea.png the_scream.jpg")
printf "%-30s %12s %10s %12s %10s %7s\n" pair target single_s pyramid_obj pyramid_s ratio
for pair in "${pairs[@]}"; do
  set -- $pair
  name="${1%.*}-${2%.*}"
  "$BIN" --content "Examples/$1" --style "Examples/$2" --size "$SIZE" --scales 1 --iterations "$SINGLE" \
    --seed 1 --tolerance 0 --quiet --log "$OUT/$name-single.csv" --output "$OUT/$name-single.png" >/dev/null
  "$BIN" --content "Examples/$1" --style "Examples/$2" --size "$SIZE" --scale-iterations "$PYRAMID" \
    --seed 1 --tolerance 0 --quiet --log "$OUT/$name-pyramid.csv" --output "$OUT/$name-pyramid.png" >/dev/null
  last_scale_start=$(( $(echo "$PYRAMID" | tr ',' '\n' | head -n -1 | paste -sd+ | bc) + 1 ))
  awk -F, -v start="$last_scale_start" -v name="$name" '
    FNR == 1 { file++; next }
    $1 == "# saved" { next }
    file == 1 { target = $8; single = $4 }
    file == 2 && $1 >= start && !found && $8 <= target { found = 1; t = $4; v = $8 }
    file == 2 && $1 >= start { lastv = $8; lastt = $4 }
    END {
      if (!found) { printf "%-30s %12.5g %10.1f %12.5g %10s %7s\n", name, target, single, lastv, "not-reached", "-" }
      else printf "%-30s %12.5g %10.1f %12.5g %10.1f %7.1f\n", name, target, single, v, t, single / t
    }' "$OUT/$name-single.csv" "$OUT/$name-pyramid.csv"
done

#!/usr/bin/env bash
# Which start should a transfer use? For each pair and size, runs the default transfer from
# noise, from the photo (--init content) and from the instant network's picture
# (--init instant) with the same seed and budget, then prints, per start: the evaluations and
# seconds it needed to reach the objective the noise start had at the end of its budget
# (the optimiser's objective at the last scale, logged per evaluation), and each start's
# saved (8-bit) objective at the end. Starts run in turn per pair, so they share the
# machine's load; evaluation counts do not depend on it.
# Usage: scripts/init_comparison.sh [PINCEL_BIN] [OUT_DIR]; SIZES="512 1024", ITERS="150 80",
# PAIRS="content:style ..." (files in Examples/), THREADS=N (default: all cores).
set -euo pipefail
BIN=${1:-.build/release/pincel}
OUT=${2:-out/init-comparison}
read -r -a sizes <<< "${SIZES:-512 1024}"
read -r -a iters <<< "${ITERS:-150 80}"
pairs=(${PAIRS:-"astronaut.png:starry_night.jpg" "chelsea.png:the_scream.jpg" "coffee.png:woman-with-hat-matisse.jpg" "astronaut.png:the_scream.jpg"})
mkdir -p "$OUT"
printf "%-5s %-34s %-8s %7s %9s %12s %12s\n" size pair start evals seconds "obj@budget" saved
for i in "${!sizes[@]}"; do
  size=${sizes[$i]}; n=${iters[$i]}
  for pair in "${pairs[@]}"; do
    content=${pair%%:*}; style=${pair##*:}; name="${content%.*}-${style%.*}-$size"
    for start in noise content instant; do
      "$BIN" --content "Examples/$content" --style "Examples/$style" --size "$size" --iterations "$n" \
        --init "$start" --seed 1 --tolerance 0 --quiet ${THREADS:+--threads "$THREADS"} --log "$OUT/$name-$start.csv" \
        --output "$OUT/$name-$start.png" >/dev/null
    done
    awk -F, -v size="$size" -v name="${content%.*}-${style%.*}" '
      FNR == 1 { file++; last = 0; next }
      $1 == "# saved" { saved[file] = $6; next }
      { side[file] = $3; if ($3 > maxside) maxside = $3 }
      { rows[file, ++count[file]] = $0 }
      END {
        split("noise content instant", label, " ")
        # the target: the noise start objective at the end of its budget
        split(rows[1, count[1]], r, ","); target = r[8]
        for (f = 1; f <= 3; f++) {
          found = 0
          for (k = 1; k <= count[f]; k++) {
            split(rows[f, k], r, ",")
            if (r[3] == maxside && r[8] <= target) { found = 1; e = r[1]; t = r[4]; break }
          }
          split(rows[f, count[f]], r, ",")
          if (found) printf "%-5s %-34s %-8s %7d %9.1f %12.4g %12.4g\n", size, name, label[f], e, t, r[8], saved[f]
          else printf "%-5s %-34s %-8s %7s %9s %12.4g %12.4g\n", size, name, label[f], "-", "-", r[8], saved[f]
        }
      }' "$OUT/$name-noise.csv" "$OUT/$name-content.csv" "$OUT/$name-instant.csv"
  done
done

#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Fuzz/Targets (Swift, -sanitize=fuzzer,address).
#
#   scripts/fuzz.sh [TARGET...]        all targets when none is named
#   FUZZ_SECONDS=300                   run time per target (make fuzz: 300, make test: 30)
#   FUZZ_BUILD_ONLY=1                  only build
#
# A target is one file, Fuzz/Targets/<Name>.swift, defining LLVMFuzzerTestOneInput through
# @_cdecl, whose first line lists the sources it is compiled with:
#   // fuzz-sources: Sources/PincelWeights/*.swift Fuzz/Support/X.swift ...
# plus an optional seed corpus folder Fuzz/Corpus/<Name>/ and libFuzzer dictionary
# Fuzz/Dictionaries/<Name>.dict. Nothing else is needed to add one.
#
# Binaries, the growing corpora and crash artifacts go to .fuzz/ (git-ignored):
#   .fuzz/bin/<Name>, .fuzz/corpus/<Name>/, .fuzz/artifacts/<Name>/ (crash-*, timeout-*, oom-*).
# Exits non-zero when any target crashes, times out or runs out of memory (the artifact path
# is printed; reproduce with .fuzz/bin/<Name> <artifact>).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-300}"
out=.fuzz
mkdir -p "$out/bin"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in Fuzz/Targets/*.swift; do targets+=("$(basename "$f" .swift)"); done
fi

build() { # name
  local name="$1" src="Fuzz/Targets/$1.swift" bin="$out/bin/$1"
  [ -f "$src" ] || { echo "fuzz: no target $src" >&2; return 1; }
  local spec
  spec="$(sed -n '1s#^// fuzz-sources:##p' "$src")"
  [ -n "$spec" ] || { echo "fuzz: $src must start with '// fuzz-sources: FILES'" >&2; return 1; }
  local sources=()
  # shellcheck disable=SC2206 # the globs in the spec are meant to expand
  sources=($spec)
  local newest=0 f t
  for f in "$src" "${sources[@]}"; do
    t=$(stat -c %Y "$f"); [ "$t" -gt "$newest" ] && newest=$t
  done
  if [ -x "$bin" ] && [ "$(stat -c %Y "$bin")" -ge "$newest" ]; then return 0; fi
  echo "fuzz: building $name"
  local includes=()
  for d in Sources/C*/; do [ -f "$d/module.modulemap" ] && includes+=(-I "$d"); done
  # The sources come from several of the package's targets and are compiled here as one
  # module: copies without their imports of each other (`import PincelCore`, …).
  local flat="$out/src/$name" copies=()
  rm -rf "$flat" && mkdir -p "$flat"
  for f in "${sources[@]}"; do
    local copy="$flat/$(echo "$f" | tr '/' '_')"
    sed -E 's/^(@_exported |public |package |internal )?import Pincel[A-Za-z]*$//' "$f" > "$copy"
    copies+=("$copy")
  done
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "Fuzz$name" -package-name Fuzz \
    "${includes[@]}" "${copies[@]}" "$src" -o "$bin" 2>&1 | grep -v "Cannot export local symbol" >&2 || true
  [ -x "$bin" ] && [ "$(stat -c %Y "$bin")" -ge "$newest" ] || { echo "fuzz: building $name failed" >&2; return 1; }
}

status=0
declare -A stats
for name in "${targets[@]}"; do build "$name"; done
[ -n "${FUZZ_BUILD_ONLY:-}" ] && exit 0
for name in "${targets[@]}"; do
  mkdir -p "$out/corpus/$name" "$out/artifacts/$name"
  seeds=(); [ -d "Fuzz/Corpus/$name" ] && seeds=("Fuzz/Corpus/$name")
  dict=(); [ -f "Fuzz/Dictionaries/$name.dict" ] && dict=(-dict="Fuzz/Dictionaries/$name.dict")
  log="$out/$name.log"
  echo "fuzz: $name for ${seconds}s (log $log)"
  set +e
  SWIFT_BACKTRACE="enable=no" ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$out/bin/$name" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 -detect_leaks=0 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$name/" "${dict[@]}" \
    "$out/corpus/$name" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  stats[$name]="runs=${runs:-?} exec/s=${rate:-?}"
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz: $name FAILED (exit $rc):" >&2
    grep -E "ERROR|SUMMARY|Fatal error|artifact_prefix|Test unit written" "$log" | head -10 >&2
  fi
done
for name in "${targets[@]}"; do echo "fuzz: $name ${stats[$name]}"; done
exit $status

#!/usr/bin/env bash
# Runs the test tiers (README, "Tests"): a release build with testability, then
#   scripts/test.sh fast    the fast tier: every test not marked .needsWeights, with the weights
#                           hidden (PINCEL_HOME an empty folder, PINCEL_WEIGHTS unset), so a test
#                           that needs them without the mark fails; marked tests show as skipped
#   scripts/test.sh full    the full tier: every test, with the weights; none is skipped for lack
#                           of them (a missing file is a failure)
#   scripts/test.sh [all]   fast, then full
# then, in every case, the studio's server tests on their own (see below).
# Prints each phase's wall time. Everything runs with TMPDIR in a folder removed at the end: the
# Swift driver leaves a TemporaryDirectory.* folder in $TMPDIR on every `swift build`/`swift test`
# (swiftlang/swift-driver#2049). Anything a tier's tests leave there fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift_cmd="${SWIFT:-swift}"
flags=(-c "${CONFIG:-release}" -Xswiftc -enable-testing)
tiers="${1:-all}"
case "$tiers" in
  fast | full | all) ;;
  *) echo "usage: scripts/test.sh [fast|full|all]" >&2; exit 64 ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/pincel-test-run.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp" "$work/no-weights"
export TMPDIR="$work/tmp"

timed() { # label command...
  local label="$1" start end
  shift
  start="$(date +%s.%N)"
  "$@"
  end="$(date +%s.%N)"
  awk -v label="$label" -v a="$start" -v b="$end" 'BEGIN { printf "test.sh: %s took %.1f s\n", label, b - a }'
}

# What a tier leaves in $TMPDIR that was not there before it ran, the toolchain's folders and
# locks aside: a test's file or folder.
snapshot() { find "$TMPDIR" -mindepth 1 -maxdepth 1 ! -name 'TemporaryDirectory.*' ! -name '*.lock' | sort; }
left_behind() { # tier before-listing
  local leftovers
  leftovers="$(comm -13 <(echo "$2") <(snapshot))"
  if [ -n "$leftovers" ]; then
    echo "test.sh: the $1 tier left files in the temporary folder:" >&2
    echo "$leftovers" >&2
    return 1
  fi
}

timed build "$swift_cmd" build "${flags[@]}" --build-tests

studio="PincelStudioTests\."
if [ "$tiers" != full ]; then
  before="$(snapshot)"
  timed "fast tier" env -u PINCEL_WEIGHTS PINCEL_HOME="$work/no-weights" PINCEL_TEST_TIER=fast \
    "$swift_cmd" test "${flags[@]}" --skip-build --skip "$studio"
  left_behind fast "$before"
fi
if [ "$tiers" != fast ]; then
  before="$(snapshot)"
  timed "full tier" env PINCEL_TEST_TIER=full "$swift_cmd" test "${flags[@]}" --skip-build --skip "$studio"
  left_behind full "$before"
fi
# The studio's server tests wait (with deadlines) for its job queue, an actor on Swift's shared
# thread pool; run beside the engine's tests, which keep that pool's 2 threads busy on this
# 2-core machine, they starved past their deadlines. They run alone, once, needing no weights.
before="$(snapshot)"
timed "studio tests" env -u PINCEL_WEIGHTS PINCEL_HOME="$work/no-weights" PINCEL_TEST_TIER=fast \
  "$swift_cmd" test "${flags[@]}" --skip-build --filter "$studio"
left_behind studio "$before"
# The studio's instant pictures need the instant models (`make weights`): their suite, skipped in
# the run above, runs alone again with the models in the full tier.
if [ "$tiers" != fast ]; then
  before="$(snapshot)"
  timed "studio instant tests" env PINCEL_TEST_TIER=full \
    "$swift_cmd" test "${flags[@]}" --skip-build --filter "PincelStudioTests\.StudioInstantTests"
  left_behind "studio instant" "$before"
fi

#!/usr/bin/env bash
# The DocC documentation of the library products, checked (`make docs`):
#   scripts/docs.sh OUTPUT    Pincel into OUTPUT, PincelVideo into OUTPUT-video
# The `Pincel` module re-exports PincelCore, PincelWeights and PincelImaging (`@_exported
# import`), and its documentation must show their symbols too. swift-docc-plugin cannot ask
# the symbol-graph extractor for re-exported modules (swiftlang/swift-docc-plugin#113), so this
# builds the modules, extracts the symbol graphs with
# -experimental-allowed-reexported-modules and runs `docc convert` itself. Fails on any DocC
# warning and on a public symbol without documentation (scripts/check-doc-coverage.py).
# --enable-inherited-docs: a re-exported module's `description` (a protocol requirement)
# keeps its own comment, which DocC otherwise counts as inherited from another module.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build/docs}"
swift_cmd="${SWIFT:-swift}"
config="${CONFIG:-release}"
# The flags of scripts/test.sh, so that both share one build.
"$swift_cmd" build -c "$config" -Xswiftc -enable-testing --target PincelVideo
bin="$("$swift_cmd" build -c "$config" -Xswiftc -enable-testing --show-bin-path)"
toolchain="$(dirname "$(command -v "$swift_cmd")")"
graphs="$(mktemp -d "${TMPDIR:-/tmp}/pincel-symbols.XXXXXX")"
trap 'rm -rf "$graphs"' EXIT

# The C modules the Swift modules import (internally), so the extractor can load them.
includes=(-I "$bin/Modules" -I Sources/CDNNL -I Sources/CVips -I Sources/CZlibInflate -I Sources/COpenCVVideo
          -Xcc "-fmodule-map-file=$bin/CVipsShim.build/module.modulemap" -Xcc -ISources/CVipsShim/include
          -Xcc "-fmodule-map-file=$bin/CFlowShim.build/module.modulemap" -Xcc -ISources/CFlowShim/include)
for flag in $(pkg-config --cflags-only-I vips); do includes+=(-Xcc "$flag"); done

document() { # module catalog output strictness [re-exported modules]
  local module="$1" catalog="$2" output="$3" strict="$4" reexported="${5:-}"
  mkdir -p "$graphs/$module"
  "$toolchain/swift-symbolgraph-extract" -module-name "$module" -target "$(uname -m)-unknown-linux-gnu" \
    "${includes[@]}" -minimum-access-level public -skip-synthesized-members \
    ${reexported:+-experimental-allowed-reexported-modules="$reexported"} -output-dir "$graphs/$module"
  rm -rf "$output"
  "$toolchain/docc" convert "$catalog" --additional-symbol-graph-dir "$graphs/$module" --output-path "$output" \
    --fallback-display-name "$module" --fallback-bundle-identifier "$module" \
    ${strict:+--warnings-as-errors} --transform-for-static-hosting --enable-inherited-docs \
    --experimental-documentation-coverage --coverage-summary-level brief
  python3 scripts/check-doc-coverage.py "$output"
}

document Pincel Sources/Pincel/Pincel.docc "$out" strict PincelCore,PincelWeights,PincelImaging
# PincelVideo's comments link to Pincel's symbols (``StyleTransfer``, …), which a separate
# archive cannot resolve: its link warnings are shown, not fatal; its coverage is checked.
document PincelVideo Sources/PincelVideo/PincelVideo.docc "$out-video" ""

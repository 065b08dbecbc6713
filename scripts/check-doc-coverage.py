#!/usr/bin/env python3
"""Fails when a public symbol of a documented module (Pincel with the modules it re-exports,
PincelVideo) has no documentation (no abstract).

Reads the documentation-coverage.json that `swift package generate-documentation
--experimental-documentation-coverage` writes into its output folder (argument 1). The
`init(rawValue:)` the compiler adds to a raw-value enum is the one symbol that has no
source to document, so it is not counted."""
import json
import sys


def main():
    if len(sys.argv) != 2:
        print("usage: check-doc-coverage.py DOCS_OUTPUT_FOLDER", file=sys.stderr)
        return 2
    path = sys.argv[1].rstrip("/") + "/documentation-coverage.json"
    try:
        entries = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"check-doc-coverage: cannot read {path}: {error}", file=sys.stderr)
        return 1
    prefix = "doc://Pincel/documentation/Pincel/"
    symbols = [e for e in entries if e.get("kind", {}).get("isSymbol")]
    missing = [e["referencePath"].replace(prefix, "") for e in symbols
               if not e.get("hasAbstract") and not e["referencePath"].endswith("/init(rawValue:)")]
    for name in sorted(missing):
        print(f"check-doc-coverage: {name} has no documentation", file=sys.stderr)
    if not missing:
        print(f"check-doc-coverage: all {len(symbols)} public symbols documented "
              "(compiler-made init(rawValue:) aside)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

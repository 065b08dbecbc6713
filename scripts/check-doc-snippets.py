#!/usr/bin/env python3
"""Checks that every ```swift block of the DocC articles (and of README.md and the `///` doc
comments of the library targets, Sources/Pincel*) appears word for word in the example package Examples/QuickStart, which
`make test` compiles: so the documentation's code is code that builds.

Lines are compared without their leading and trailing white space, blank lines ignored, so
a block may be indented differently in the example. Exit 1 naming each block not found."""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "Examples", "QuickStart")


def normalised(lines):
    return [l.strip() for l in lines if l.strip()]


def swift_blocks(text):
    """(line number, lines) of each ```swift fenced block."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(text.split("\n"), 1):
        fence = line.strip()
        if current is None and fence == "```swift":
            current, start = [], number
        elif current is not None and fence == "```":
            blocks.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def doc_comment_text(source):
    """The `///` lines of a Swift file with the markers removed (other lines left empty, so
    that line numbers still match)."""
    return "\n".join(re.sub(r"^\s*/// ?", "", l) if l.lstrip().startswith("///") else ""
                     for l in source.split("\n"))


def main():
    example = []
    for path in sorted(glob.glob(os.path.join(EXAMPLE, "**", "*.swift"), recursive=True)):
        if "/.build" not in path:
            example += normalised(open(path, encoding="utf-8").read().split("\n"))
    if not example:
        print(f"check-doc-snippets: no Swift sources under {EXAMPLE}", file=sys.stderr)
        return 1
    libraries = ["Pincel", "PincelCore", "PincelWeights", "PincelImaging", "PincelVideo"]
    documents = [(p, open(p, encoding="utf-8").read())
                 for name in libraries
                 for p in sorted(glob.glob(os.path.join(ROOT, "Sources", name, "*.docc", "*.md")))]
    documents.append((os.path.join(ROOT, "README.md"), open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()))
    documents += [(p, doc_comment_text(open(p, encoding="utf-8").read()))
                  for name in libraries
                  for p in sorted(glob.glob(os.path.join(ROOT, "Sources", name, "**", "*.swift"), recursive=True))]
    checked, missing = 0, []
    for path, text in documents:
        for line, block in swift_blocks(text):
            want = normalised(block)
            if not want:
                continue
            checked += 1
            if not any(example[i:i + len(want)] == want for i in range(len(example) - len(want) + 1)):
                missing.append(f"{os.path.relpath(path, ROOT)}:{line}")
    for where in missing:
        print(f"check-doc-snippets: the swift block at {where} is not in Examples/QuickStart's sources "
              "(copy it there, or fix the block)", file=sys.stderr)
    if not missing:
        print(f"check-doc-snippets: {checked} swift blocks found in Examples/QuickStart")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

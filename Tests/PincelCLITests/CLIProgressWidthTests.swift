import Foundation
import PincelTestSupport
import Testing

/// The live progress line on a terminal fits its width: on an 80-column terminal it used to
/// be about 90 characters, so it wrapped and every `\r` update left a new line behind.
@Suite(.serialized, .needsWeights) struct CLIProgressWidthTests {
    /// Two scales (the line then carries the `[scale 1/2 32 px]` label), a few iterations.
    static let run = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "out.png",
                      "--size", "64", "--scales", "2", "--iterations", "8", "--tolerance", "0", "--seed", "1"]

    private func check(_ r: CLIResult, columns: Int) {
        #expect(r.status == 0 && !r.looksLikeCrash, "\(r.summary)")
        let segments = PseudoTerminal.visibleSegments(r.stderr)
        let progress = segments.filter { $0.contains("/8") && $0.contains("ETA") }
        #expect(progress.count >= 8, "expected a progress segment per iteration: \(segments)")
        for segment in progress {
            #expect(segment.count <= columns - 1, "\(segment.count) columns on a \(columns)-column terminal: '\(segment)'")
        }
        // The other lines (seed, sizes, objective, time) are printed once; at 80 columns none wraps.
        for segment in segments where columns >= 80 {
            #expect(segment.count <= 80, "\(segment.count) columns: '\(segment)'")
        }
        // Updates rewrite the line in place: a carriage return before each, one line end at the end.
        let bytes = Array(r.stderr.utf8)
        let updates = bytes.indices.filter { bytes[$0] == 13 && ($0 + 1 == bytes.count || bytes[$0 + 1] != 10) }.count
        #expect(updates >= 8, "updates should start with \\r: \(r.stderr.debugDescription)")
        let newlines = r.stderr.components(separatedBy: "\n").count - 1
        #expect(newlines <= 5, "each update left a line: \(r.stderr.debugDescription)")  // seed, sizes, the end, objective, time
    }

    @Test func progressFitsAnEightyColumnTerminal() throws {
        try withTemporaryDirectory { dir in
            let r = try PseudoTerminal.run(Self.run, columns: 80, in: dir)
            check(r, columns: 80)
            // The bar is still there at 80 columns.
            #expect(PseudoTerminal.visibleSegments(r.stderr).contains { $0.contains("[#") || $0.contains("[-") })
        }
    }

    /// No window size on the terminal: `$COLUMNS` gives the width; the bar goes first.
    @Test func narrowColumnsFromTheEnvironment() throws {
        try withTemporaryDirectory { dir in
            let r = try PseudoTerminal.run(Self.run, columns: 0, environment: ["COLUMNS": "50"], in: dir)
            check(r, columns: 50)
        }
    }
}

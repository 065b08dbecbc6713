import Foundation
import PincelTestSupport
import Testing

/// `--print-every N`: without a terminal, a progress line at every N-th iteration and the last.
@Suite(.serialized, .needsWeights) struct CLIPrintEveryTests {
    @Test func linesAtEveryNthIteration() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png",
                                   "--size", "32", "--scales", "1", "--iterations", "7", "--tolerance", "0",
                                   "--seed", "2", "--print-every", "3"], in: dir, timeout: 120)
            #expect(r.status == 0, "\(r.summary)")
            let shown = r.stderr.split(separator: "\n").compactMap { line -> Int? in
                guard line.hasPrefix("iteration ") else { return nil }
                return Int(line.dropFirst("iteration ".count).prefix { $0.isNumber })
            }
            #expect(shown == [3, 6, 7], "stderr: \(r.stderr)")
        }
    }

    @Test func figureCommandsTakeItToo() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["reconstruct", "content", "--image", CLIPaths.astronaut, "--layers", "relu1_2",
                                   "--size", "32", "--iterations", "4", "--seed", "2", "--print-every", "2",
                                   "--output", "s.png"], in: dir, timeout: 120)
            #expect(r.status == 0, "\(r.summary)")
            let lines = r.stderr.split(separator: "\n").filter { $0.contains("] iteration ") }
            #expect(lines.count == 2 && lines[0].contains("iteration 2/4") && lines[1].contains("iteration 4/4"), "\(r.stderr)")
        }
    }

    @Test func zeroIsRefused() throws {
        let r = try withTemporaryDirectory { dir in
            try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png",
                           "--print-every", "0"], in: dir)
        }
        #expect(r.status == 64 && r.errorLines == ["Error: --print-every must be between 1 and 1000000, got 0"], "\(r.summary)")
    }
}

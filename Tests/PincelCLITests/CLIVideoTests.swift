import Foundation
import PincelTestSupport
import Testing

/// `pincel video` refuses what it cannot do with one line, before any work, and writes
/// nothing (no output, no work folder). None of these needs the weights.
@Suite struct CLIVideoTests {
    @Test func aFileThatIsNotAVideoFailsWithOneLine() throws {
        try withTemporaryDirectory { dir in
            try Data("not a video\n".utf8).write(to: dir.appendingPathComponent("clip.mp4"))
            let r = try runPincel(["video", "--input", "clip.mp4", "--style", CLIPaths.starryNight, "--output", "out.mp4",
                                   "--size", "64"], in: dir, timeout: 60)
            #expect(r.status == 1 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1 && (r.errorLines.first ?? "").contains("cannot read the video"), "\(r.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            #expect(left == ["clip.mp4"], "left behind: \(left)")
        }
    }

    @Test func aMissingInputFailsWithOneLine() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["video", "--input", "nope.webm", "--style", CLIPaths.starryNight, "--output", "out.mp4"], in: dir)
            #expect(r.status == 1 && r.errorLines.count == 1, "\(r.summary)")
            #expect((r.errorLines.first ?? "").contains("nope.webm"), "\(r.stderr)")
        }
    }

    @Test(arguments: [
        (["--output", "out.avi"], "--output must end in"),
        (["--output", "out.mp4", "--frames", "5:2"], "--frames"),
        (["--output", "out.mp4", "--frames", "x"], "--frames"),
        (["--output", "out.mp4", "--iterations", "0"], "--iterations"),
        (["--output", "out.mp4", "--temporal-weight=-1"], "--temporal-weight must be finite"),
        (["--output", "out.mp4", "--frame-rate", "fast"], "--frame-rate must be a number"),
        (["--output", "out.mp4", "--long-term", "1"], "--long-term"),
    ])
    func invalidOptionsAreUsageErrors(extra: [String], expected: String) throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["video", "--input", "clip.mp4", "--style", CLIPaths.starryNight] + extra, in: dir)
            #expect(r.status == 64, "\(r.summary)")
            #expect(r.stderr.contains(expected), "\(r.stderr)")
            #expect(!r.looksLikeCrash)
        }
    }
}

import Foundation
import PincelTestSupport
import Testing

/// Files that exist but are unusable: exit 1 with one clear `Error:` line naming the file,
/// no crash, and no output image written.
@Suite struct CLIBadFileTests {
    /// Runs a 64 px, 1-iteration transfer in a folder holding `notes.txt` (text) and `empty.png` (0 bytes).
    private func runWithBadFiles(content: String = CLIPaths.astronaut, style: String = CLIPaths.starryNight,
                                 extra: [String] = [], check: (CLIResult, URL) throws -> Void) throws {
        try withTemporaryDirectory { dir in
            try Data("these are not pixels\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
            try Data().write(to: dir.appendingPathComponent("empty.png"))
            let r = try runPincel(["--content", content, "--style", style, "--output", "out.png", "--size", "64",
                                   "--iterations", "1", "--seed", "1"] + extra, in: dir, timeout: 60)
            #expect(r.status == 1 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "expected one Error: line: \(r.stderr)")
            #expect(r.stdout.isEmpty, "stdout: \(r.stdout)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path),
                    "an output image was written although the run failed")
            try check(r, dir)
        }
    }

    @Test(.needsWeights) func textFileAsContent() throws {
        try runWithBadFiles(content: "notes.txt") { r, _ in
            let line = r.errorLines.first ?? ""
            #expect(line.contains("notes.txt") && line.contains("not a recognised image"), "\(line)")
        }
    }

    @Test func emptyFileAsStyle() throws {
        try runWithBadFiles(style: "empty.png") { r, _ in
            let line = r.errorLines.first ?? ""
            #expect(line.contains("empty.png") && line.contains("empty"), "\(line)")
        }
    }

    @Test func textFileAsWeights() throws {
        try runWithBadFiles(extra: ["--weights", "notes.txt"]) { r, _ in
            let line = r.errorLines.first ?? ""
            #expect(line.contains("notes.txt") && line.contains("not a VGG19 weight file"), "\(line)")
        }
    }

    @Test func missingWeightsPath() throws {
        try runWithBadFiles(extra: ["--weights", "/nonexistent/vgg19.bin"]) { r, _ in
            let line = r.errorLines.first ?? ""
            #expect(line.contains("/nonexistent/vgg19.bin") && line.contains("does not exist") && line.contains("--weights"),
                    "\(line)")
        }
    }
}

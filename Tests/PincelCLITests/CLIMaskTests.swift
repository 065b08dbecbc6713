import Foundation
import PincelTestSupport
import Testing

/// `--style-mask`, `--style-region`, `--mask`: bad masks are refused before any work with one
/// line (64 for a usage mistake or a mask that selects nothing, 1 for a file that is no image),
/// and `--mask` keeps every pixel outside it exactly the photo's in the saved file.
@Suite struct CLIMaskTests {
    static func fixture(_ name: String) -> String {
        CLIPaths.repoRoot.appendingPathComponent("Tests/CLIFixtures/\(name)").path
    }

    static let left = fixture("mask_left_64.png")
    static let black = fixture("mask_black_16.png")

    private func refused(_ arguments: [String], status: Int32, mustContain: [String]) throws {
        try withTemporaryDirectory { dir in
            try Data("these are not pixels\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
            let r = try runPincel(["--content", CLIPaths.astronaut, "--output", "out.png", "--size", "64",
                                   "--iterations", "1", "--seed", "1", "--weights", "/nonexistent/never-read.bin"] + arguments,
                                  in: dir, timeout: 60)
            #expect(r.status == status && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "expected one Error: line: \(r.stderr)")
            let line = r.errorLines.first ?? ""
            for word in mustContain { #expect(line.contains(word), "'\(word)' missing from: \(line)") }
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path))
        }
    }

    // The weights path does not exist: each refusal must come before the weights are read.

    @Test func aMaskBeforeAnyStyle() throws {
        try refused(["--style-mask", Self.left, "--style", CLIPaths.starryNight], status: 64,
                    mustContain: ["--style-mask", "before any --style"])
    }

    @Test func twoMasksForOneStyle() throws {
        try refused(["--style", CLIPaths.starryNight, "--style-mask", Self.left, "--style-mask", Self.left], status: 64,
                    mustContain: ["--style-mask", "two masks"])
    }

    @Test func aStyleWithoutAMaskWhenAnotherHasOne() throws {
        try refused(["--style", CLIPaths.starryNight, "--style-mask", Self.left, "--style", CLIPaths.starryNight], status: 64,
                    mustContain: ["--style-mask", "style 2"])
    }

    @Test func aStyleBlendWithMasks() throws {
        try refused(["--style", CLIPaths.starryNight, "--style-mask", Self.left, "--style", CLIPaths.starryNight,
                     "--style-mask", Self.left, "--style-blend", "1,1"], status: 64, mustContain: ["--style-blend", "mask"])
    }

    @Test func anAllBlackStyleMask() throws {
        try refused(["--style", CLIPaths.starryNight, "--style-mask", Self.black], status: 64,
                    mustContain: ["--style-mask", "mask_black_16.png", "black everywhere"])
    }

    @Test func anAllBlackChangeMask() throws {
        try refused(["--style", CLIPaths.starryNight, "--mask", Self.black], status: 64, mustContain: ["--mask", "black everywhere"])
    }

    @Test func aMaskThatIsNoImage() throws {
        try refused(["--style", CLIPaths.starryNight, "--style-mask", "notes.txt"], status: 1,
                    mustContain: ["--style-mask", "notes.txt"])
    }

    @Test func aMissingRegion() throws {
        try refused(["--style", CLIPaths.starryNight, "--style-region", "nowhere.png"], status: 1,
                    mustContain: ["--style-region", "nowhere.png"])
    }

    /// Every pixel outside the mask is the photo's, read back from the saved PNG with the tests'
    /// own PNG reader; inside, the image changed; the masks are named in the file's text.
    @Test(.needsWeights) func theChangeMaskKeepsThePhotoExactlyOutside() throws {
        try withTemporaryDirectory { dir in
            let content = Self.fixture("mask_content_64.png"), box = Self.fixture("mask_box_64.png")
            let r = try runPincel(["--content", content, "--style", CLIPaths.starryNight, "--style-mask", Self.left,
                                   "--style", CLIPaths.starryNight, "--style-mask", Self.fixture("mask_box_64.png"),
                                   "--mask", box, "--output", "out.png", "--size", "64", "--iterations", "8",
                                   "--seed", "1", "--quiet"], in: dir, timeout: 300)
            #expect(r.status == 0, "\(r.summary)")
            let out = try PNGImage(contentsOf: dir.appendingPathComponent("out.png").path)
            let photo = try PNGImage(contentsOf: content), mask = try PNGImage(contentsOf: box)
            #expect(out.width == 64 && out.height == 64)
            var outside = 0, changedInside = 0
            for y in 0..<64 {
                for x in 0..<64 {
                    let inside = mask.value(x: x, y: y, channel: 0) > 0
                    for c in 0..<3 {
                        let same = out.value(x: x, y: y, channel: c) == photo.value(x: x, y: y, channel: c)
                        if !inside { outside += 1; #expect(same, "pixel \(x),\(y) outside the mask changed") }
                        else if !same { changedInside += 1 }
                    }
                }
            }
            #expect(outside > 0 && changedInside > 100, "outside \(outside), changed inside \(changedInside)")
            #expect(out.text["pincel-mask"] == box)
            #expect(out.text["pincel-style-masks"] == "\(Self.left), \(box)")
        }
    }
}

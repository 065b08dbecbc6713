import Foundation
import PincelTestSupport
import Testing

/// The seed and the command are stored in every output format, and the seed is never lost:
/// with `--quiet` a random seed is still printed (stderr) and stored. Real 32 px runs.
@Suite(.serialized, .needsWeights) struct CLIOutputMetadataTests {
    static func transfer(_ output: String, _ extra: [String] = []) -> [String] {
        ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", output,
         "--size", "32", "--iterations", "1", "--scales", "1"] + extra
    }

    /// JPEG, WebP and TIFF carry the XMP elements (read from the raw bytes, independently of the
    /// library's reader, which ImagingMetadataTests checks per format).
    @Test(arguments: ["out.jpg", "out.webp", "out.tif"])
    func seedAndCommandInXMP(_ output: String) throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(Self.transfer(output, ["--quiet"]), in: dir, timeout: 120)
            #expect(r.status == 0 && r.stdout == "\(output)\n", "\(r.summary)")
            // --quiet and no --seed: the seed chosen at random is the one line on stderr.
            let seed = r.stderr.hasPrefix("seed: ") ? String(r.stderr.dropFirst(6).prefix { $0.isNumber }) : ""
            #expect(!seed.isEmpty && r.stderr == "seed: \(seed)\n", "stderr: \(r.stderr)")
            let bytes = try Data(contentsOf: dir.appendingPathComponent(output))
            #expect(bytes.range(of: Data("<pincel:pincel-seed>\(seed)</pincel:pincel-seed>".utf8)) != nil, "no seed in \(output)")
            #expect(bytes.range(of: Data("<pincel:pincel-command>pincel --content".utf8)) != nil, "no command in \(output)")
        }
    }

    /// PNG with --quiet: the printed seed is the stored one; with --seed given, --quiet prints nothing.
    @Test func quietKeepsTheSeed() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(Self.transfer("out.png", ["--quiet"]), in: dir, timeout: 120)
            #expect(r.status == 0, "\(r.summary)")
            let png = try PNGImage(contentsOf: dir.appendingPathComponent("out.png").path)
            let stored = png.text["pincel-seed"] ?? "none"
            #expect(r.stderr == "seed: \(stored)\n", "stderr: \(r.stderr), stored: \(stored)")

            let given = try runPincel(Self.transfer("given.png", ["--quiet", "--seed", "7"]), in: dir, timeout: 120)
            #expect(given.status == 0 && given.stderr.isEmpty, "\(given.summary)")
            #expect(try PNGImage(contentsOf: dir.appendingPathComponent("given.png").path).text["pincel-seed"] == "7")
        }
    }

    /// The default start is the instant picture when the instant models are installed, the
    /// photo when they are not (`$PINCEL_INSTANT_MODELS` naming an empty folder), and the output
    /// records which (`pincel-init`); a given `--init` is recorded as given.
    @Test func defaultStartIsRecorded() throws {
        try withTemporaryDirectory { dir in
            let installed = try runPincel(Self.transfer("installed.png", ["--seed", "1", "--quiet"]), in: dir, timeout: 120)
            #expect(installed.status == 0, "\(installed.summary)")
            #expect(try PNGImage(contentsOf: dir.appendingPathComponent("installed.png").path).text["pincel-init"] == "instant")

            let empty = dir.appendingPathComponent("no-models")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
            let missing = try runPincel(Self.transfer("missing.png", ["--seed", "1", "--quiet"]), in: dir, timeout: 120,
                                        environment: ["PINCEL_INSTANT_MODELS": empty.path])
            #expect(missing.status == 0 && missing.stderr.isEmpty, "\(missing.summary)")
            #expect(try PNGImage(contentsOf: dir.appendingPathComponent("missing.png").path).text["pincel-init"] == "content")

            let given = try runPincel(Self.transfer("given.png", ["--seed", "1", "--quiet", "--init", "NOISE"]), in: dir, timeout: 120)
            #expect(given.status == 0, "\(given.summary)")
            #expect(try PNGImage(contentsOf: dir.appendingPathComponent("given.png").path).text["pincel-init"] == "noise")
        }
    }
}

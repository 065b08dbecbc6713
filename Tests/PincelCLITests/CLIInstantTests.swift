import Foundation
import PincelTestSupport
import Testing

/// `pincel --instant`: the instant network's picture. Real runs of the built binary.
@Suite(.serialized, .needsWeights) struct CLIInstantTests {
    static var coffee: String { CLIPaths.repoRoot.appendingPathComponent("Examples/coffee.png").path }
    static var scream: String { CLIPaths.repoRoot.appendingPathComponent("Examples/the_scream.jpg").path }

    static func instant(_ output: String, content: String = coffee, _ extra: [String] = []) -> [String] {
        ["--content", content, "--style", CLIPaths.starryNight, "--output", output, "--instant"] + extra
    }

    static func meanAbsDifference(_ a: PNGImage, _ b: PNGImage) -> Double {
        zip(a.rgb, b.rgb).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(max(a.rgb.count, 1))
    }

    /// A 3:2 photo at --size 512 is 512x341 (not squashed into a square), with the metadata of
    /// every output plus the mode, the strength and the models' SHA-256 (the digests that
    /// scripts/fetch-instant-models.sh pins).
    @Test func pictureKeepsTheAspectAndCarriesMetadata() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(Self.instant("out.png", ["--size", "512"]), in: dir, timeout: 120)
            #expect(r.status == 0 && r.stdout == "out.png\n", "\(r.summary)")
            #expect(r.stderr.hasPrefix("instant picture 512x341 in "), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(r.stderr)")
            let png = try PNGImage(contentsOf: dir.appendingPathComponent("out.png").path)
            #expect(png.width == 512 && png.height == 341)
            #expect(png.text["Software"]?.hasPrefix("Pincel ") == true)
            #expect(png.text["pincel-command"]?.hasPrefix("pincel --content ") == true)
            #expect(png.text["pincel-mode"] == "instant" && png.text["pincel-instant-strength"] == "1.0")
            let models = png.text["pincel-instant-models"] ?? ""
            #expect(models.contains("arbitrary_predict.onnx sha256:d832a92a6afc170510252cc5b65836fcf8354909e6f17cf02f8960f4e054a20d"), "\(models)")
            #expect(models.contains("arbitrary_transform.onnx sha256:866c80c340bee8d1c72f5237476244ccd9a6c1b11afdb9e7de37591b7a2345cd"), "\(models)")
            #expect(png.text["pincel-seed"] == nil)
        }
    }

    /// At strength 0 the photo keeps its own style: the picture is much closer to the photo
    /// (at its own size, 600x400) than at strength 1.
    @Test func strengthZeroStaysNearThePhoto() throws {
        try withTemporaryDirectory { dir in
            for (name, strength) in [("s0.png", "0"), ("s1.png", "1")] {
                let r = try runPincel(Self.instant(name, ["--size", "600", "--instant-strength", strength, "--quiet"]),
                                      in: dir, timeout: 120)
                #expect(r.status == 0 && r.stderr.isEmpty, "\(r.summary)")
            }
            let photo = try PNGImage(contentsOf: Self.coffee)
            let weak = try PNGImage(contentsOf: dir.appendingPathComponent("s0.png").path)
            let strong = try PNGImage(contentsOf: dir.appendingPathComponent("s1.png").path)
            #expect(weak.width == 600 && weak.height == 400 && strong.width == 600)
            let near = Self.meanAbsDifference(weak, photo), far = Self.meanAbsDifference(strong, photo)
            #expect(near * 2 < far, "mean abs difference to the photo: strength 0 \(near), strength 1 \(far)")
            #expect(weak.text["pincel-instant-strength"] == "0.0")
        }
    }

    /// Two paintings mix: weights 1,0 give the first painting's picture exactly, 0.5,0.5 a
    /// picture unlike either painting's alone.
    @Test func styleBlendMixesTwoPaintings() throws {
        try withTemporaryDirectory { dir in
            func make(_ name: String, _ extra: [String]) throws -> PNGImage {
                let r = try runPincel(Self.instant(name, ["--size", "256", "--quiet"] + extra), in: dir, timeout: 120)
                #expect(r.status == 0, "\(r.summary)")
                return try PNGImage(contentsOf: dir.appendingPathComponent(name).path)
            }
            let starry = try make("a.png", [])
            let scream = try make("b.png", ["--style", Self.scream, "--style-blend", "0,1"])
            let first = try make("c.png", ["--style", Self.scream, "--style-blend", "1,0"])
            let mixed = try make("d.png", ["--style", Self.scream, "--style-blend", "0.5,0.5"])
            #expect(Self.meanAbsDifference(first, starry) < 0.5)
            #expect(Self.meanAbsDifference(starry, scream) > 10)
            let toStarry = Self.meanAbsDifference(mixed, starry), toScream = Self.meanAbsDifference(mixed, scream)
            #expect(toStarry > 3 && toScream > 3, "mixed vs starry \(toStarry), vs scream \(toScream)")
        }
    }

    /// --preserve-colors luminance keeps the photo's colour: the picture's chroma is the photo's.
    @Test func preserveColorsApplies() throws {
        try withTemporaryDirectory { dir in
            for (name, mode) in [("plain.png", "none"), ("kept.png", "luminance")] {
                let r = try runPincel(Self.instant(name, ["--size", "600", "--preserve-colors", mode, "--quiet"]),
                                      in: dir, timeout: 120)
                #expect(r.status == 0, "\(r.summary)")
            }
            let photo = try PNGImage(contentsOf: Self.coffee)
            func chromaDistance(_ image: PNGImage) -> Double {
                var total = 0.0
                for i in stride(from: 0, to: image.rgb.count, by: 3) {
                    for (a, b) in [(image, photo)] {
                        let (r1, g1, b1) = (Double(a.rgb[i]), Double(a.rgb[i + 1]), Double(a.rgb[i + 2]))
                        let (r2, g2, b2) = (Double(b.rgb[i]), Double(b.rgb[i + 1]), Double(b.rgb[i + 2]))
                        total += abs((r1 - g1) - (r2 - g2)) + abs((b1 - g1) - (b2 - g2))
                    }
                }
                return total / Double(image.rgb.count / 3)
            }
            let plain = chromaDistance(try PNGImage(contentsOf: dir.appendingPathComponent("plain.png").path))
            let kept = chromaDistance(try PNGImage(contentsOf: dir.appendingPathComponent("kept.png").path))
            #expect(kept * 2 < plain, "colour difference to the photo: luminance \(kept), none \(plain)")
        }
    }
}

/// `--instant` refusals, before anything is loaded: exit 64 for flags, exit 1 for missing
/// models; one `Error:` line and no output either way.
@Suite struct CLIInstantRefusalTests {
    static func expectRefused(_ r: CLIResult, status: Int32, _ words: [String], dir: URL) {
        #expect(r.status == status && !r.looksLikeCrash, "\(r.summary)")
        #expect(r.errorLines.count == 1, "\(r.summary)")
        for word in words { #expect(r.errorLines.first?.contains(word) == true, "\(word) not in \(r.errorLines)") }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.png").path))
    }

    @Test(arguments: [
        (["--instant", "--instant-strength", "1.5"], ["--instant-strength", "between 0 and 1", "1.5"]),
        (["--instant", "--instant-strength", "nan"], ["--instant-strength", "between 0 and 1"]),
        (["--instant", "--instant-strength=-0.1"], ["--instant-strength", "between 0 and 1"]),
        (["--instant-strength", "0.5"], ["--instant-strength needs --instant"]),
        (["--instant-models", "/tmp"], ["--instant-models needs --instant"]),
        (["--instant", "--iterations", "10"], ["--iterations does not apply to --instant"]),
        (["--instant", "--init=content"], ["--init does not apply to --instant", "--init instant"]),
        (["--instant", "--seed", "3"], ["--seed does not apply to --instant"]),
        (["--instant", "--style-blend", "1,1"], ["--style-blend", "2 weights for 1"]),
        (["--instant", "--size", "8"], ["--size"]),
    ])
    func badFlags(_ extra: [String], _ words: [String]) throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png"] + extra,
                                  in: dir)
            Self.expectRefused(r, status: 64, words, dir: dir)
        }
    }

    /// `pincel bench`: --peer only with --instant, and --instant not with --spatial.
    @Test(arguments: [(["bench", "--peer", "python3"], "--peer needs --instant"),
                      (["bench", "--instant", "--spatial", "4"], "--instant and --spatial")])
    func benchFlags(_ arguments: [String], _ words: String) throws {
        try withTemporaryDirectory { dir in
            Self.expectRefused(try runPincel(arguments, in: dir), status: 64, [words], dir: dir)
        }
    }

    /// No models where PINCEL_HOME points (an empty folder): one line naming the missing
    /// file and `make weights`, exit 1, nothing written.
    @Test func missingModels() throws {
        try withTemporaryDirectory { dir in
            let empty = dir.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            let binary = try CLIPaths.binary().path
            let r = try RunningPincel(["-u", "PINCEL_INSTANT_MODELS", "PINCEL_HOME=\(empty.path)", binary,
                                       "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight,
                                       "--output", "o.png", "--instant"],
                                      in: dir, executable: URL(fileURLWithPath: "/usr/bin/env")).wait(timeout: 30)
            Self.expectRefused(r, status: 1, ["arbitrary_predict.onnx", "make weights"], dir: dir)
        }
    }

    /// A damaged model file (the first bytes of a protobuf, cut short): one line, exit 1.
    @Test func damagedModels() throws {
        try withTemporaryDirectory { dir in
            let models = dir.appendingPathComponent("models")
            try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
            try Data([0x08, 0x07, 0x3A, 0xFF, 0x01, 0x0A]).write(to: models.appendingPathComponent("arbitrary_predict.onnx"))
            try Data().write(to: models.appendingPathComponent("arbitrary_transform.onnx"))
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png",
                                   "--instant", "--instant-models", models.path], in: dir)
            Self.expectRefused(r, status: 1, ["instant model", "truncated"], dir: dir)
        }
    }
}

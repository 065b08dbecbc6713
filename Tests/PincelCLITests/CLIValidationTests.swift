import Foundation
import Testing

/// One bad command line and the words its one-line error must contain.
struct BadOptionCase: CustomTestStringConvertible, Sendable {
    let name: String
    let extra: [String]
    let mustContain: [String]
    var replacesContent = false
    var testDescription: String { name }
}

/// Invalid options: exit 64 (EX_USAGE) with one `Error:` line naming the option, no crash,
/// no output file, and nothing loaded (these runs take milliseconds).
@Suite struct CLIValidationTests {
    static let cases: [BadOptionCase] = [
        BadOptionCase(name: "unknown style layer", extra: ["--style-layers", "relu1_1,relu9_9"],
                      mustContain: ["--style-layers", "relu9_9", "relu1_1 … relu5_4 or pool1 … pool5"]),
        BadOptionCase(name: "pre-ReLU style layer", extra: ["--style-layers", "conv4_2"],
                      mustContain: ["--style-layers", "conv4_2", "relu1_1 … relu5_4 or pool1 … pool5"]),
        BadOptionCase(name: "all style layer weights zero", extra: ["--style-layers", "relu1_1:0,relu2_1:0"],
                      mustContain: ["--style-layers", "weight above 0"]),
        BadOptionCase(name: "unknown content layer", extra: ["--content-layers", "conv4_9"],
                      mustContain: ["--content-layers", "conv4_9", "relu1_1 … relu5_4"]),
        BadOptionCase(name: "negative style weight (=)", extra: ["--style-weight=-1"],
                      mustContain: ["--style-weight", "non-negative"]),
        BadOptionCase(name: "negative style weight (separate)", extra: ["--style-weight", "-1"],
                      mustContain: ["--style-weight"]),
        BadOptionCase(name: "style blend count", extra: ["--style-blend", "0.5,0.5"],
                      mustContain: ["--style-blend", "2 weights for 1"]),
        BadOptionCase(name: "size too small", extra: ["--size", "16"], mustContain: ["--size", "between 32 and 16384"]),
        BadOptionCase(name: "size above the largest", extra: ["--size", "20000"], mustContain: ["--size", "16384"]),
        BadOptionCase(name: "size above --max-pixels", extra: ["--size", "2000", "--max-pixels", "1000000"],
                      mustContain: ["--size", "pixel limit", "1000000"]),
        BadOptionCase(name: "no term left", extra: ["--style-weight", "0", "--content-weight", "0"],
                      mustContain: ["--style-weight and --content-weight leave no term"]),
        BadOptionCase(name: "scale iterations against scales", extra: ["--scales", "2", "--scale-iterations", "50,50,50"],
                      mustContain: ["--scale-iterations lists 3 scales but --scales is 2"]),
        BadOptionCase(name: "bad optimizer", extra: ["--optimizer", "sgd"], mustContain: ["--optimizer", "lbfgs", "adam"]),
        BadOptionCase(name: "negative precondition levels", extra: ["--precondition-levels=-1"],
                      mustContain: ["--precondition-levels", "between 0 and 12"]),
        BadOptionCase(name: "bad preserve-colors", extra: ["--preserve-colors", "sepia"], mustContain: ["--preserve-colors"]),
        BadOptionCase(name: "non-numeric size", extra: ["--size", "big"], mustContain: ["--size", "big"]),
        BadOptionCase(name: "unknown option", extra: ["--colour", "red"], mustContain: ["--colour"]),
        BadOptionCase(name: "log path is a folder", extra: ["--log", "."], mustContain: ["--log", "cannot be written"]),
        BadOptionCase(name: "negative tolerance", extra: ["--tolerance", "-0.1"], mustContain: ["--tolerance"]),
        BadOptionCase(name: "tolerance not below 1", extra: ["--tolerance", "1"], mustContain: ["--tolerance"]),
        BadOptionCase(name: "log folder missing", extra: ["--log", "/nonexistent/run.csv"],
                      mustContain: ["--log", "/nonexistent/run.csv"]),
        BadOptionCase(name: "output folder missing", extra: ["--output", "/nonexistent/dir/out.png"],
                      mustContain: ["output folder", "/nonexistent/dir"]),
        BadOptionCase(name: "one-letter output, no extension", extra: ["--output", "a"], mustContain: ["--output"]),
    ]

    @Test(arguments: cases)
    func invalidOptionExits64(_ c: BadOptionCase) throws {
        try withTemporaryDirectory { dir in
            var args = c.replacesContent ? [] : ["--content", CLIPaths.astronaut]
            args += ["--style", CLIPaths.starryNight, "--output", "out.png"] + c.extra
            let r = try runPincel(args, in: dir)
            #expect(r.status == 64 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "expected one Error: line: \(r.stderr)")
            // The error and one hint, not the whole usage.
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 2 && !r.stderr.contains("Usage:") && (lines.last ?? "").contains("--help"), "\(r.stderr)")
            let line = r.errorLines.first ?? ""
            for word in c.mustContain { #expect(line.contains(word), "'\(word)' missing from: \(line)") }
            #expect(r.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path))
        }
    }

    @Test func unknownOutputExtensionExits64() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "out.bmp"], in: dir)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1 && r.errorLines[0].contains("--output") && r.errorLines[0].contains(".png"),
                    "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.bmp").path))
        }
    }

    @Test func missingStyleExits64() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["--content", CLIPaths.astronaut, "--output", "out.png"], in: dir)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1 && r.errorLines[0].contains("--style"), "\(r.stderr)")
        }
    }

    @Test(arguments: [["bench", "--sizes", "16"], ["bench", "--repetitions", "0"]])
    func invalidBenchOptionExits64(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
        #expect(r.errorLines.count == 1 && r.errorLines[0].contains(args[1]), "\(r.stderr)")
    }
}

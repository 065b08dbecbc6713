import Foundation
import Testing

/// The command line as a new user meets it: what `pincel` alone and `pincel --help` say,
/// the help of each command, and choice values in any case. None of these loads the weights.
@Suite struct CLINewcomerHelpTests {
    /// `pincel` alone: what to type, not "Missing expected argument '--content'".
    @Test(arguments: [[], ["transfer"]])
    func barePincelSaysWhatToType(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
        #expect(r.stderr.contains("Usage: pincel --content PHOTO --style PAINTING --output OUT.png"), "\(r.stderr)")
        #expect(r.stderr.contains("pincel --help") && !r.stderr.contains("Missing expected"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count <= 4 && r.stdout.isEmpty)
    }

    /// `pincel --help` (and `-h`, `help`) shows the transfer's usage and options, then the
    /// other commands.
    @Test(arguments: [["--help"], ["-h"], ["help"]])
    func rootHelpShowsTheTransferOptions(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stdout.contains("USAGE: pincel --content PHOTO --style PAINTING --output OUT.png [options]"))
        for option in ["--content <content>", "--style <style>", "--output <output>", "--size", "--preserve-colors",
                       "--print-every", "--quiet"] {
            #expect(r.stdout.contains(option), "root help lacks \(option)")
        }
        let options = r.stdout.range(of: "TRANSFER OPTIONS")?.lowerBound
        let subcommands = r.stdout.range(of: "SUBCOMMANDS:")?.lowerBound
        #expect(options != nil && subcommands != nil && options! < subcommands!, "\(r.stdout)")
        #expect(r.stdout.contains("reconstruct") && r.stdout.contains("evaluate"))
    }

    /// Every command's help ends with the exit codes.
    @Test(arguments: [["transfer"], ["bench"], ["reconstruct"], ["reconstruct", "content"], ["reconstruct", "style"],
                      ["sheet"], ["sheet", "ratio"], ["sheet", "init"], ["evaluate"]])
    func everyCommandShowsExitCodes(_ command: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(command + ["--help"], in: $0) }
        #expect(r.status == 0, "\(r.summary)")
        let flat = Self.flat(r.stdout)
        for code in ["0 success", "1 a file", "64 invalid options", "130 interrupted"] {
            #expect(flat.contains(code), "\(command) help lacks '\(code)'")
        }
    }

    @Test func helpTextsSayWhatTheyAccept() throws {
        let transfer = Self.flat(try withTemporaryDirectory { try runPincel(["transfer", "--help"], in: $0) }.stdout)
        #expect(transfer.contains("(L-BFGS, default 1)") && transfer.contains("(Adam, default 10)"))
        #expect(transfer.contains("--max-pixels") && transfer.contains("also limits --size"))
        #expect(transfer.contains(".jpg, .jpeg, .webp, .tif, .tiff"))
        for mode in ["none (", "luminance (", "match (", "yuv ("] {
            #expect(transfer.contains(mode), "--preserve-colors does not explain '\(mode)'")
        }
        let bench = Self.flat(try withTemporaryDirectory { try runPincel(["bench", "--help"], in: $0) }.stdout)
        for mode in ["direct-f32", "direct-bf16", "winograd-f32", "winograd-bf16"] {
            #expect(bench.contains(mode), "bench help lacks \(mode)")
        }
        let sheet = Self.flat(try withTemporaryDirectory { try runPincel(["sheet", "ratio", "--help"], in: $0) }.stdout)
        #expect(sheet.contains(".jpeg"))
    }

    /// Choice values in any case reach the next check (here a missing output folder, exit 64,
    /// or a bound) instead of being refused.
    @Test(arguments: [
        ["--pooling", "AVG"], ["--optimizer", "Adam"], ["--tv-norm", "L1"], ["--preserve-colors", "Luminance"],
        ["--algorithm", "DIRECT"], ["--precision", "BF16"], ["--recompute", "ON"], ["--init", "NOISE"],
        ["--init", "Content"],
    ])
    func transferChoicesIgnoreCase(_ extra: [String]) throws {
        let r = try withTemporaryDirectory { dir in
            try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight,
                           "--output", "/nonexistent/out.png"] + extra, in: dir)
        }
        #expect(r.status == 64 && r.errorLines.count == 1, "\(r.summary)")
        #expect((r.errorLines.first ?? "").contains("/nonexistent"), "\(extra) was refused: \(r.stderr)")
    }

    @Test(arguments: [
        ["bench", "--modes", "WINOGRAD-F32,Direct-BF16", "--repetitions", "0"],
        ["reconstruct", "content", "--image", CLIPaths.astronaut, "--optimizer", "ADAM", "--size", "1", "--output", "s.png"],
        ["sheet", "init", "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--optimizer", "Adam",
         "--size", "1", "--output", "s.png"],
    ])
    func otherChoicesIgnoreCase(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 64 && r.errorLines.count == 1, "\(r.summary)")
        let line = r.errorLines.first ?? ""
        #expect(line.contains("--repetitions") || line.contains("--size"), "\(args) was refused: \(r.stderr)")
    }

    static func flat(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
}

/// Exit codes as the README says: a file that cannot be read is 1 with one line; invalid
/// options are 64 with one line and one hint, the same hint wherever the check runs.
@Suite struct CLIExitCodeTests {
    static let files: [[String]] = [
        ["--content", "missing.png", "--style", CLIPaths.starryNight, "--output", "o.png"],
        ["--content", CLIPaths.astronaut, "--style", "missing.png", "--output", "o.png"],
        ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--init", "missing.png", "--output", "o.png"],
        ["evaluate", "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--image", "missing.png"],
        ["reconstruct", "content", "--image", "missing.png", "--output", "o.png"],
        ["sheet", "ratio", "--content", CLIPaths.astronaut, "--style", "missing.png", "--output", "o.png"],
    ]

    @Test(arguments: files)
    func missingInputFileIsOneLineExit1(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 1 && !r.looksLikeCrash, "\(r.summary)")
        #expect(r.stderr.split(separator: "\n").count == 1, "not one line: \(r.stderr)")
        #expect(r.stderr.contains("missing.png: no such file") && !r.stderr.contains("Usage"), "\(r.stderr)")
    }

    /// A folder is called a folder (the test makes sure it is one), in every command.
    @Test(arguments: files)
    func folderInputSaysFolder(_ args: [String]) throws {
        let r = try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("missing.png"), withIntermediateDirectories: false)
            var isFolder: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing.png").path, isDirectory: &isFolder)
                    && isFolder.boolValue)
            return try runPincel(args, in: dir)
        }
        #expect(r.status == 1 && r.stderr.split(separator: "\n").count == 1, "\(r.summary)")
        #expect(r.stderr.contains("missing.png: is a folder, not an image file") && !r.stderr.contains("no such file"),
                "\(r.stderr)")
    }

    /// The hint names the command whether the check ran while parsing (validate) or in run().
    @Test(arguments: [
        (["--quality", "0"], "pincel transfer"),                 // validate()
        (["--iterations", "0"], "pincel transfer"),              // the library's check, in run()
        (["--style-layers", ""], "pincel transfer"),             // run()
        (["evaluate", "--size", "1"], "pincel evaluate"),
        (["reconstruct", "content", "--size", "1"], "pincel reconstruct content"),
    ])
    func hintNamesTheCommand(_ extra: [String], _ command: String) throws {
        let r = try withTemporaryDirectory { dir in
            if extra.first == "evaluate" {
                return try runPincel(extra + ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight,
                                              "--image", CLIPaths.astronaut], in: dir)
            }
            if extra.first == "reconstruct" { return try runPincel(extra + ["--image", CLIPaths.astronaut, "--output", "o.png"], in: dir) }
            return try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png"] + extra, in: dir)
        }
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(r.status == 64 && lines.count == 2, "\(r.summary)")
        #expect(lines.last == "  See '\(command) --help' for more information.", "\(r.stderr)")
    }

    /// Layer-list errors say what is wrong once, without the library's "invalid option" prefix.
    @Test(arguments: [
        ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png", "--style-layers", "relu9_9"],
        ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png", "--content-layers", "x:y"],
        ["evaluate", "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--image", CLIPaths.astronaut,
         "--style-layers", "relu1_1,relu1_1"],
        ["reconstruct", "content", "--image", CLIPaths.astronaut, "--output", "o.png", "--layers", "relu9_9"],
        ["reconstruct", "style", "--image", CLIPaths.astronaut, "--output", "o.png", "--layers", "relu1_1:x"],
    ])
    func noMessageSaysInvalidOption(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 64 && r.errorLines.count == 1, "\(r.summary)")
        #expect(!r.stderr.lowercased().contains("invalid option"), "\(r.stderr)")
    }
}

/// `--iterations -5` reaches the range check instead of "Missing value", for every integer
/// option of every command.
@Suite struct CLINegativeNumberTests {
    static let transfer = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png"]
    static let figure = ["--image", CLIPaths.astronaut, "--output", "o.png"]
    static let sheet = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png"]
    static let evaluate = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--image", CLIPaths.astronaut]

    static let cases: [(command: [String], option: String)] =
        ["--size", "--iterations", "--save-every", "--output-depth", "--quality", "--history", "--precondition-levels",
         "--scales", "--threads", "--max-pixels", "--print-every", "--seed"].map { ([], $0) }
        + ["--size", "--iterations", "--threads", "--columns", "--quality", "--print-every", "--seed"]
            .flatMap { [(["reconstruct", "content"], $0), (["sheet", "ratio"], $0)] }
        + ["--size", "--threads"].map { (["evaluate"], $0) }
        + ["--repetitions", "--threads"].map { (["bench"], $0) }

    @Test func everyIntegerOptionReachesItsCheck() throws {
        try withTemporaryDirectory { dir in
            for (command, option) in Self.cases {
                let base: [String]
                switch command.first {
                case nil: base = Self.transfer
                case "reconstruct": base = Self.figure
                case "sheet": base = Self.sheet
                case "evaluate": base = Self.evaluate
                default: base = []
                }
                let r = try runPincel(command + base + [option, "-5"], in: dir)
                let line = r.errorLines.first ?? ""
                #expect(r.status == 64 && r.errorLines.count == 1, "\(command) \(option) -5: \(r.summary)")
                #expect(!r.stderr.contains("Missing value"), "\(command) \(option) -5: \(r.stderr)")
                #expect(line.contains(option) && line.contains("-5"), "\(command) \(option) -5: \(line)")
            }
        }
    }

    @Test func rangeMessageForIterations() throws {
        let r = try withTemporaryDirectory { try runPincel(Self.transfer + ["--iterations", "-5"], in: $0) }
        #expect(r.errorLines == ["Error: --iterations must be between 1 and 1000000, got -5"], "\(r.stderr)")
    }

    /// A negative number value for a number option and a list.
    @Test func negativeFloatsAndListsToo() throws {
        try withTemporaryDirectory { dir in
            let weight = try runPincel(Self.transfer + ["--tv-weight", "-0.5"], in: dir)
            #expect((weight.errorLines.first ?? "").contains("--tv-weight") && !weight.stderr.contains("Missing value"))
            let blend = try runPincel(Self.transfer + ["--style", CLIPaths.astronaut, "--style-blend", "-1,2"], in: dir)
            #expect((blend.errorLines.first ?? "").contains("--style-blend") && !blend.stderr.contains("Missing value"),
                    "\(blend.stderr)")
        }
    }
}

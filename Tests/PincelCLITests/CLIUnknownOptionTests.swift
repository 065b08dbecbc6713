import Foundation
import PincelTestSupport
import Testing

/// An unknown option is named, with its nearest valid spelling, before a missing one: one
/// `Error:` line, the `See '… --help'` hint, exit 64, nothing loaded or written.
@Suite struct CLIUnknownOptionTests {
    @Test func aMisspeltOutputIsNamedNotReportedMissing() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--ouput", "x.png"], in: dir)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines == ["Error: Unknown option '--ouput'. Did you mean '--output'?"], "\(r.stderr)")
            let lines = r.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == 2 && lines.last == "  See 'pincel transfer --help' for more information.", "\(r.stderr)")
            #expect(!r.stderr.contains("Missing expected argument"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.png").path))
        }
    }

    @Test(arguments: [
        (["--content", "a.png", "--style", "b.jpg", "--output", "o.png", "--itterations=5"], "--itterations", "--iterations"),
        (["--content", "a.png", "--style", "b.jpg", "--output", "o.png", "--zzqqxxww"], "--zzqqxxww", nil),
        (["evaluate", "--contnet", "a.png", "--style", "b.jpg", "--image", "c.png"], "--contnet", "--content"),
        (["reconstruct", "style", "--image", "a.png", "--outptu", "o.png"], "--outptu", "--output"),
        (["--content", "a.png", "--style", "b.jpg", "--output", "o.png", "--colour", "red"], "--colour", nil),
    ] as [([String], String, String?)])
    func namesTheOptionAndItsNearestSpelling(_ args: [String], _ option: String, _ suggestion: String?) throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(args, in: dir)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            let expected = "Error: Unknown option '\(option)'." + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
            #expect(r.errorLines == [expected], "\(r.stderr)")
        }
    }

    /// Every option of the transfer, spelt right, is known: a valid command line is not refused.
    @Test func knownOptionsStillWork() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "o.png",
                                   "--size", "16"], in: dir)
            #expect(r.status == 64, "\(r.summary)")
            #expect(r.errorLines.count == 1 && r.errorLines[0].contains("--size") && !r.stderr.contains("Unknown option"),
                    "\(r.stderr)")
        }
    }
}

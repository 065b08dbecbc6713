import Foundation
import Testing

/// `--help`, `--version` and the help of each subcommand, from the built binary.
@Suite struct CLIHelpTests {
    @Test func rootHelpListsSubcommandsAndExitCodes() throws {
        let r = try withTemporaryDirectory { try runPincel(["--help"], in: $0) }
        #expect(r.status == 0 && !r.killedBySignal, "\(r.summary)")
        #expect(r.stdout.contains("USAGE: pincel"))
        #expect(r.stdout.contains("transfer (default)"))
        #expect(r.stdout.contains("bench"))
        // The exit-code paragraph, however ArgumentParser wraps it.
        let flat = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for code in ["0 success", "1 a file, the weights or the run failed", "64 invalid options", "130 interrupted"] {
            #expect(flat.contains(code), "missing '\(code)' in: \(r.stdout)")
        }
    }

    @Test(arguments: [["transfer", "--help"], ["help", "transfer"]])
    func transferHelpListsOptions(_ args: [String]) throws {
        let r = try withTemporaryDirectory { try runPincel(args, in: $0) }
        #expect(r.status == 0 && !r.killedBySignal, "\(r.summary)")
        for option in ["--content", "--style", "--output", "--size", "--iterations", "--seed", "--preserve-colors",
                       "--style-layers", "--style-blend", "--optimizer", "--weights", "--log"] {
            #expect(r.stdout.contains(option), "\(args) help lacks \(option)")
        }
        let flat = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("64 invalid options") && flat.contains("130 interrupted"), "\(r.stdout)")
    }

    @Test func benchHelpListsOptions() throws {
        let r = try withTemporaryDirectory { try runPincel(["bench", "--help"], in: $0) }
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stdout.contains("--sizes") && r.stdout.contains("--repetitions"))
    }

    @Test func versionPrintsOneSemverLine() throws {
        let r = try withTemporaryDirectory { try runPincel(["--version"], in: $0) }
        #expect(r.status == 0, "\(r.summary)")
        let line = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n") && line.first?.isNumber == true && line.contains("."), "version: \(line)")
    }
}

import Foundation
import Testing

/// One out-of-range integer option of some command and the words its error must contain.
struct OutOfRangeCase: CustomTestStringConvertible, Sendable {
    let arguments: [String]
    let mustContain: [String]
    var testDescription: String { arguments.filter { $0.hasPrefix("-") || $0.first?.isNumber == true }.joined(separator: " ") }
}

/// Every integer option of every command is bounded before work: a huge or negative value
/// is one `Error:` line naming the option and its range, exit 64, never a trap (these used to
/// overflow `size * size`, the scale plan, the ETA, or allocate gigabytes first).
@Suite struct CLIBoundsTests {
    static var transfer: [String] {
        ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "out.png"]
    }
    static var reconstruct: [String] { ["reconstruct", "content", "--image", CLIPaths.astronaut, "--output", "out.png"] }
    static var sheet: [String] {
        ["sheet", "ratio", "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "out.png"]
    }
    static let huge = "9223372036854775807"

    static let cases: [OutOfRangeCase] = [
        OutOfRangeCase(arguments: transfer + ["--size", "3037000500"], mustContain: ["--size", "between 32 and 16384"]),
        OutOfRangeCase(arguments: transfer + ["--iterations", huge], mustContain: ["--iterations", "1000000"]),
        OutOfRangeCase(arguments: transfer + ["--iterations", "4611686018427387904"], mustContain: ["--iterations", "1000000"]),
        OutOfRangeCase(arguments: transfer + ["--scale-iterations", "\(huge),\(huge)"], mustContain: ["--scale-iterations", "1000000"]),
        OutOfRangeCase(arguments: transfer + ["--scale-iterations", "600000,600000"], mustContain: ["--scale-iterations", "add up to at most 1000000"]),
        OutOfRangeCase(arguments: transfer + ["--scales", "1000000000"], mustContain: ["--scales", "between 1 and 5"]),
        OutOfRangeCase(arguments: transfer + ["--size", "64", "--scale-iterations", "1,1,1"], mustContain: ["--scale-iterations", "2"]),
        OutOfRangeCase(arguments: transfer + ["--threads", "100000"], mustContain: ["--threads", "between 1 and"]),
        OutOfRangeCase(arguments: transfer + ["--history", huge], mustContain: ["--history", "between 1 and 1000"]),
        OutOfRangeCase(arguments: transfer + ["--save-every", huge], mustContain: ["--save-every", "between 0 and 1000000"]),
        OutOfRangeCase(arguments: transfer + ["--save-every=-1"], mustContain: ["--save-every"]),
        OutOfRangeCase(arguments: transfer + ["--max-pixels", huge], mustContain: ["--max-pixels", "1000000000"]),
        OutOfRangeCase(arguments: transfer + ["--quality", huge], mustContain: ["--quality", "between 1 and 100"]),
        OutOfRangeCase(arguments: reconstruct + ["--columns", huge], mustContain: ["--columns", "between 1 and 1000"]),
        OutOfRangeCase(arguments: reconstruct + ["--iterations", huge], mustContain: ["--iterations", "1000000"]),
        OutOfRangeCase(arguments: reconstruct + ["--threads", "100000"], mustContain: ["--threads"]),
        OutOfRangeCase(arguments: reconstruct + ["--size", huge], mustContain: ["--size", "between 32 and 4096"]),
        OutOfRangeCase(arguments: sheet + ["--columns", "0"], mustContain: ["--columns", "between 1 and 1000"]),
        OutOfRangeCase(arguments: sheet + ["--ratios", Array(repeating: "1", count: 65).joined(separator: ",")],
                       mustContain: ["--ratios", "between 1 and 64"]),
        OutOfRangeCase(arguments: ["bench", "--repetitions", huge], mustContain: ["--repetitions", "between 1 and 1000"]),
        OutOfRangeCase(arguments: ["bench", "--threads", "100000"], mustContain: ["--threads"]),
        OutOfRangeCase(arguments: ["bench", "--sizes", "256,abc"], mustContain: ["--sizes", "abc"]),
        OutOfRangeCase(arguments: ["bench", "--sizes", "100000"], mustContain: ["--sizes", "between 32 and 4096"]),
    ]

    @Test(arguments: cases)
    func outOfRangeExits64(_ c: OutOfRangeCase) throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(c.arguments, in: dir)
            #expect(r.status == 64 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "expected one Error: line: \(r.stderr)")
            let line = r.errorLines.first ?? ""
            for word in c.mustContain { #expect(line.contains(word), "'\(word)' missing from: \(line)") }
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path))
        }
    }

    /// A size whose estimated memory is far above any machine's is refused before anything
    /// loads, with the estimate and the largest size that fits.
    @Test func sizeThatCannotFitInMemoryIsRefusedUpFront() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(Self.transfer + ["--size", "16384", "--max-pixels", "300000000"], in: dir)
            #expect(r.status == 64 && !r.killedBySignal, "\(r.summary)")
            let line = r.errorLines.first ?? ""
            for word in ["--size 16384 needs about", "GiB of memory", "is available", "fits"] {
                #expect(line.contains(word), "'\(word)' missing from: \(line)")
            }
            #expect(!r.stderr.contains("seed:"), "the run started: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path))
        }
    }

    /// `evaluate` takes the transfer's checks: bounded numbers, the memory refusal, and inputs
    /// that are regular files (a FIFO as --image used to be opened by the decoder).
    @Test func evaluateIsCheckedLikeTheTransfer() throws {
        try withTemporaryDirectory { dir in
            let evaluate = ["evaluate", "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight,
                            "--image", CLIPaths.astronaut]
            for extra in [["--size", "9223372036854775807"], ["--threads", "100000"], ["--size", "16384"]] {
                let r = try runPincel(evaluate + extra, in: dir)
                #expect(r.status == 64 && !r.killedBySignal && r.errorLines.count == 1, "\(extra): \(r.summary)")
            }
            let fifo = dir.appendingPathComponent("image.png").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let r = try runPincel(["evaluate", "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight,
                                   "--image", fifo, "--size", "48"], in: dir)
            #expect(r.status == 1 && !r.killedBySignal, "\(r.summary)")
            #expect((r.errorLines.first ?? "").contains("named pipe"), "\(r.summary)")
        }
    }
}

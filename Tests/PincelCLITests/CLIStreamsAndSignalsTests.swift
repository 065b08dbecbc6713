import Foundation
import PincelTestSupport
import Testing

/// How the shell wires pincel's standard streams for one run.
struct StreamSetup: CustomTestStringConvertible, Sendable {
    let name: String
    /// A bash fragment run as `"$0" "$@" FRAGMENT`, ending with pincel's own exit status.
    let redirection: String
    var testDescription: String { name }
}

/// Progress output can never kill a run: closed or broken stderr/stdout still give the saved
/// result and exit 0. Signals during start-up end the run with 130.
@Suite struct CLIStreamsAndSignalsTests {
    static let setups: [StreamSetup] = [
        StreamSetup(name: "stderr closed", redirection: "2>&- >/dev/null; exit $?"),
        StreamSetup(name: "stderr and stdout into a reader that exits",
                    redirection: "2>&1 | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}"),
        StreamSetup(name: "stdout closed", redirection: ">&- 2>/dev/null; exit $?"),
        StreamSetup(name: "stdout into a reader that exits", redirection: "2>/dev/null | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"),
    ]

    @Test(.needsWeights, arguments: setups)
    func brokenStreamsStillSaveTheResult(_ setup: StreamSetup) throws {
        try withTemporaryDirectory { dir in
            let binary = try CLIPaths.binary().path
            let args = [binary, "--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "48",
                        "--iterations", "3", "--seed", "2", "--output", "out.png"]
            // bash runs pincel with the redirection and exits with pincel's status.
            let r = try runProgram("/bin/bash", ["-c", "\"$0\" \"$@\" " + setup.redirection] + args, in: dir, timeout: 180)
            #expect(r.status == 0 && !r.killedBySignal, "\(setup.name): \(r.summary)")
            let out = try PNGImage(contentsOf: dir.appendingPathComponent("out.png").path)
            #expect(out.width == 48)
        }
    }

    /// SIGTERM during start-up (here 0.05 s and 0.5 s after the first line, `seed: N`, while
    /// the weights load) used to get the default action, exit 143: the handler is now
    /// installed first thing in main, before that line. A signal before the transfer starts
    /// exits 130 with nothing written; one after it saves the current image.
    @Test(.needsWeights, arguments: [0.05, 0.5])
    func signalDuringStartUpExits130(_ delay: Double) throws {
        try withTemporaryDirectory { dir in
            let run = try RunningPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "48",
                                         "--iterations", "3000", "--seed", "3", "--output", "out.png"], in: dir)
            let deadline = Date().addingTimeInterval(60)
            while run.process.isRunning, Date() < deadline, !run.stderrSoFar.contains("seed:") { usleep(1_000) }
            usleep(UInt32(delay * 1_000_000))
            kill(run.pid, SIGTERM)
            let r = try run.wait(timeout: 120)
            #expect(r.status == 130 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            let written = FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path)
            if r.stderr.contains("before the transfer started") {
                #expect(!written && r.stdout.isEmpty, "\(r.summary)")
            } else {
                #expect(written && r.stdout == "out.png\n", "\(r.summary)")
            }
        }
    }
}

/// Runs any program (not only pincel) with output to files, like `runPincel`.
func runProgram(_ path: String, _ arguments: [String], in directory: URL, timeout: Double) throws -> CLIResult {
    try RunningPincel(arguments, in: directory, executable: URL(fileURLWithPath: path)).wait(timeout: timeout)
}

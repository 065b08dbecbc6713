import Foundation
import PincelTestSupport

/// Why a CLI test could not even start the `pincel` binary.
enum CLITestError: Error, CustomStringConvertible {
    case binaryNotFound(searched: [String])
    case launchFailed(path: String, reason: String)
    case timedOut(what: String, seconds: Double)

    var description: String {
        switch self {
        case .binaryNotFound(let searched):
            return "the built `pincel` binary was not found (looked at \(searched.joined(separator: ", "))); "
                + "build it first with `swift build -c release -Xswiftc -enable-testing` or `make test`, or set PINCEL_BIN"
        case .launchFailed(let path, let reason):
            return "could not launch \(path): \(reason)"
        case .timedOut(let what, let seconds):
            return "timed out after \(seconds) s waiting for \(what)"
        }
    }
}

/// Paths the CLI tests need: the built binary, the repository's example images, the weights.
enum CLIPaths {
    /// The repository root, from this file's location (Tests/PincelCLITests/CLIRunner.swift).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var astronaut: String { repoRoot.appendingPathComponent("Examples/astronaut.png").path }
    static var starryNight: String { repoRoot.appendingPathComponent("Examples/starry_night.jpg").path }

    /// The `pincel` executable that sits next to the test executable (same build folder and
    /// configuration), or `$PINCEL_BIN` when set. Never a guessed `.build/...` path, which
    /// could be a stale binary from another configuration.
    static func binary() throws -> URL {
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["PINCEL_BIN"], !explicit.isEmpty {
            guard fm.isExecutableFile(atPath: explicit) else { throw CLITestError.binaryNotFound(searched: ["$PINCEL_BIN=\(explicit)"]) }
            return URL(fileURLWithPath: explicit)
        }
        var dirs: [URL] = []
        // Linux: the test product is an executable `…/release/PincelPackageTests.xctest`.
        if let exe = Bundle.main.executableURL { dirs.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        if let arg0 = CommandLine.arguments.first, arg0.contains("/") {
            dirs.append(URL(fileURLWithPath: arg0).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // macOS: the test product is a bundle `…/debug/PincelPackageTests.xctest`, loaded by `xctest`.
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            dirs.append(bundle.bundleURL.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        var searched: [String] = []
        for dir in dirs {
            let candidate = dir.appendingPathComponent("pincel")
            if searched.contains(candidate.path) { continue }
            searched.append(candidate.path)
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw CLITestError.binaryNotFound(searched: searched)
    }
}

/// What one `pincel` run did.
struct CLIResult {
    /// The exit status, or the signal number when `killedBySignal`.
    let status: Int32
    let killedBySignal: Bool
    let stdout: String
    let stderr: String
    let seconds: Double

    /// Lines of stderr that start with `Error:` (ArgumentParser's and the CLI's own failures).
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Error:") } }

    /// True when stderr looks like a crash (runtime trap, backtrace) rather than a handled error.
    var looksLikeCrash: Bool {
        let markers = ["fatal error", "stack dump", "stack trace", "crashed", "backtrace", "segmentation fault",
                       "illegal instruction", "unexpectedly found nil", "0x0000"]
        let text = stderr.lowercased()
        return killedBySignal || markers.contains { text.contains($0) }
    }

    /// One summary line for failing expectations.
    var summary: String { "exit \(killedBySignal ? "signal " : "")\(status) after \(String(format: "%.2f", seconds)) s; stdout: \(stdout); stderr: \(stderr)" }
}

/// A started `pincel` process whose output goes to files (so a full pipe can never block it).
final class RunningPincel {
    let process = Process()
    /// A folder of this run's own (mkdtemp) for its stdout and stderr files.
    private let streams: URL
    private let outURL: URL
    private let errURL: URL
    private let start = Date()

    /// `environment`: variables set (over this process's) for the run.
    init(_ arguments: [String], in directory: URL, executable: URL? = nil, environment: [String: String] = [:]) throws {
        let binary = try executable ?? CLIPaths.binary()
        streams = try TemporaryFolder.make(prefix: "pincel-streams-")
        outURL = streams.appendingPathComponent("stdout")
        errURL = streams.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        }
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        do { try process.run() } catch {
            TemporaryFolder.remove(streams)
            throw CLITestError.launchFailed(path: binary.path, reason: "\(error)")
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// What the process has written to stderr so far.
    var stderrSoFar: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Waits for the exit; past `timeout` seconds the process is killed and `timedOut` thrown.
    func wait(timeout: Double) throws -> CLIResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            cleanUp()
            throw CLITestError.timedOut(what: "pincel \(process.arguments?.joined(separator: " ") ?? "")", seconds: timeout)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        cleanUp()
        return CLIResult(status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                         stdout: out, stderr: err, seconds: seconds)
    }

    /// A test that stops early (a failed `#require`, a throw) never calls `wait`: the process
    /// is killed and its output files removed here, so nothing outlives the test.
    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        cleanUp()
    }

    private func cleanUp() { TemporaryFolder.remove(streams) }
}

/// Runs `pincel arguments…` in `directory` and waits for it (killing it after `timeout` seconds).
func runPincel(_ arguments: [String], in directory: URL, timeout: Double = 30,
               environment: [String: String] = [:]) throws -> CLIResult {
    try RunningPincel(arguments, in: directory, environment: environment).wait(timeout: timeout)
}

/// A fresh temporary folder (mkdtemp), removed with its contents after `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let dir = try TemporaryFolder.make(prefix: "pincel-cli-")
    defer { TemporaryFolder.remove(dir) }
    return try body(dir)
}

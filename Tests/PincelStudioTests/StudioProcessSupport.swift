import Foundation
import Pincel
@testable import PincelStudio

/// Runs blocking work (waiting for a process, reading its pipes, curl) on a GCD thread, never
/// on Swift's cooperative pool: its 2 threads on this machine run every other studio test.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// A real `pincel studio` process on a free port with its own PINCEL_HOME and random weights.
/// Its blocking calls are made through ``offPool(_:)`` by the async ones at the end.
final class StudioProcess: @unchecked Sendable {
    let process = Process()
    let home: String
    /// The token requests carry (the printed one when the studio made it).
    private(set) var token: String
    private(set) var port = 0
    private let output = Pipe()
    private let errors = Pipe()

    /// The built `pincel` next to the test executable, or `$PINCEL_BIN`.
    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["PINCEL_BIN"], !explicit.isEmpty { return explicit }
        var folders: [URL] = []
        if let exe = Bundle.main.executableURL { folders.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        if let arg0 = CommandLine.arguments.first, arg0.contains("/") {
            folders.append(URL(fileURLWithPath: arg0).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder.path + "/pincel") { return folder.path + "/pincel" }
        throw StudioError.notFound("the built pincel binary is not beside the tests (\(folders.map(\.path))); build it or set PINCEL_BIN")
    }

    /// Random VGG19 weights as a quantised safetensors file (20 MB; the studio only needs to start
    /// and run, not to paint well).
    static func writeWeights(to path: String) throws {
        var header: [String: Any] = [:]
        var body = Data()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func add(_ name: String, _ dtype: String, _ shape: [Int], _ bytes: Data) {
            header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [body.count, body.count + bytes.count]]
            body.append(bytes)
        }
        for conv in VGG19Architecture.convs {
            let name = "block\(conv.block)_conv\(conv.index)"
            let count = conv.outChannels * conv.inChannels * 9
            var q = [UInt8](repeating: 0, count: count)
            for i in q.indices { state ^= state << 13; state ^= state >> 7; state ^= state << 17; q[i] = UInt8(truncatingIfNeeded: state) }
            let scale = (2.0 / Float(conv.inChannels * 9)).squareRoot() * 1.7
            let table = (0..<256).map { (Float($0) / 255 * 2 - 1) * scale }
            add(name + "_W_q", "U8", [conv.outChannels, conv.inChannels, 3, 3], Data(q))
            add(name + "_W_table", "F32", [256], table.withUnsafeBytes { Data($0) })
            add(name + "_b", "F32", [conv.outChannels], Data(count: conv.outChannels * 4))
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) }
        file.append(json)
        file.append(body)
        try file.write(to: URL(fileURLWithPath: path))
    }

    /// Starts `pincel studio --port 0` with `arguments` and `environment` added, and waits for its
    /// address (or its exit).
    init(home: String, token: String, arguments: [String] = [], environment: [String: String] = [:], waitForAddress: Bool = true) throws {
        self.home = home
        self.token = token
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["studio", "--port", "0", "--threads", "1", "--weights", home + "/weights.safetensors",
                             "--examples", home + "/examples"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["PINCEL_HOME"] = home
        env.removeValue(forKey: "PINCEL_STUDIO_TOKEN")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if waitForAddress { try awaitAddress() }
    }

    /// A home with random weights and the two small examples.
    static func makeHome(_ folder: TempFolder) throws -> String {
        if !FileManager.default.fileExists(atPath: folder.path + "/weights.safetensors") {
            try writeWeights(to: folder.path + "/weights.safetensors")
            _ = try StudioFixture.examples(in: folder.path)
        }
        return folder.path
    }

    private var printed = ""

    private func awaitAddress() throws {
        let end = Date().addingTimeInterval(60)
        let handle = output.fileHandleForReading
        while Date() < end {
            let chunk = handle.availableData
            if chunk.isEmpty {
                if !process.isRunning { throw StudioError.storage("pincel studio exited (\(process.terminationStatus)): \(stderrText())") }
                continue
            }
            printed += String(decoding: chunk, as: UTF8.self)
            if let range = printed.range(of: "http://127.0.0.1:"), let end = printed[range.upperBound...].firstIndex(of: "/"),
               let port = Int(printed[range.upperBound..<end]) {
                self.port = port
                if token.isEmpty, let printedToken = printed.components(separatedBy: "?token=").dropFirst().first?.prefix(32) {
                    token = String(printedToken)
                }
                return
            }
        }
        throw StudioError.storage("pincel studio printed no address: \(printed)")
    }

    var printedText: String { printed }

    /// Everything on stderr (call once the process ended).
    func stderrText() -> String {
        String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Waits for the exit (up to `seconds`); `nil` when still running.
    func exitStatus(within seconds: Double) -> Int32? {
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < end { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The command line the kernel shows every user (`/proc/PID/cmdline`).
    var commandLine: String {
        (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/cmdline", encoding: .utf8)) ?? ""
    }

    func stop() {
        if process.isRunning { process.terminate() }
        _ = exitStatus(within: 20)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// `curl` (as `user` via setpriv when given): the status code and body.
    static func curl(_ arguments: [String], asNobody: Bool = false) throws -> (status: Int, body: String) {
        let run = Process()
        run.executableURL = URL(fileURLWithPath: asNobody ? "/usr/bin/setpriv" : "/usr/bin/curl")
        let curl = ["-s", "-m", "30", "-w", "\n%{http_code}"] + arguments
        run.arguments = asNobody ? ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/curl"] + curl : curl
        let pipe = Pipe()
        run.standardOutput = pipe
        run.standardError = FileHandle.nullDevice
        try run.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The owner's curl: the token header, and the page's origin.
    func owner(_ path: String, _ extra: [String] = []) throws -> (status: Int, body: String) {
        try Self.curl(["-H", "X-Pincel-Token: \(token)", "-H", "Origin: http://127.0.0.1:\(port)"] + extra + ["http://127.0.0.1:\(port)" + path])
    }
}

extension StudioProcess {
    /// Starts a studio (see the initialiser), off the cooperative pool.
    static func start(home: String, token: String, arguments: [String] = [], environment: [String: String] = [:],
                      waitForAddress: Bool = true) async throws -> StudioProcess {
        try await offPool {
            try StudioProcess(home: home, token: token, arguments: arguments, environment: environment, waitForAddress: waitForAddress)
        }
    }

    func request(_ path: String, _ extra: [String] = []) async throws -> (status: Int, body: String) {
        try await offPool { try self.owner(path, extra) }
    }

    static func curlAsync(_ arguments: [String], asNobody: Bool = false) async throws -> (status: Int, body: String) {
        try await offPool { try curl(arguments, asNobody: asNobody) }
    }

    func exit(within seconds: Double) async throws -> Int32? { try await offPool { self.exitStatus(within: seconds) } }

    func halt() async throws { try await offPool { self.stop() } }

    func errorText() async throws -> String { try await offPool { self.stderrText() } }
}

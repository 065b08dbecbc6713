import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Pincel
import PincelTestSupport
import Synchronization
import Testing
@testable import PincelStudio

/// A new temporary folder (``TemporaryFolder``, by `mkdtemp`), removed by `remove()`: only a
/// folder this process made is ever removed.
struct TempFolder {
    let path: String
    private let url: URL
    init() throws {
        url = try TemporaryFolder.make(prefix: "pincel-studio-test-")
        path = url.path
    }
    func remove() { TemporaryFolder.remove(url) }
}

/// A stand-in for the transfer: reports `iterations` evaluations, `delay` apart, with a grey
/// image; run number `holdingRun` (1-based) holds at evaluation `holdAt` until cancelled or
/// released. Records the order of runs.
final class FakeRunner: JobRunner, Sendable {
    let holdAt: Int?
    let holdingRun: Int
    let delay: Duration
    private let state = Mutex<(order: [String], released: Bool)>(([], false))

    init(holdAt: Int? = nil, holdingRun: Int = 1, delay: Duration = .milliseconds(2)) {
        self.holdAt = holdAt
        self.holdingRun = holdingRun
        self.delay = delay
    }

    var order: [String] { state.withLock { $0.order } }
    func release() { state.withLock { $0.released = true } }

    func run(content: String, styles: [String], options: TransferOptions, live: LiveJob) async -> RunOutcome {
        let run = state.withLock {
            $0.order.append((content as NSString).lastPathComponent)
            return $0.order.count
        }
        let holdAt = run == holdingRun ? self.holdAt : nil
        live.started(seed: 42, width: 12, height: 8, total: options.iterations)
        var iteration = 0
        let image = Tensor(shape: [3, 8, 12], data: (0..<(3 * 96)).map { Float($0 % 256) })
        while iteration < options.iterations, !Task.isCancelled {
            if let holdAt, iteration >= holdAt, !state.withLock({ $0.released }) {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            iteration += 1
            live.record(iteration: iteration, total: options.iterations, elapsed: Double(iteration) * 0.01,
                        point: LossPoint(iteration: iteration, content: 100 / Double(iteration), style: 1000 / Double(iteration), tv: 1),
                        image: { image })
            try? await Task.sleep(for: delay)
        }
        return RunOutcome(state: Task.isCancelled ? .stopped : .done, image: image, seed: 42, iterations: iteration,
                          planned: options.iterations, seconds: Double(iteration) * 0.01, message: nil)
    }
}

/// A studio on a temporary folder, with two small example images (`photo.png`, `paint.png`).
struct StudioFixture {
    let folder: TempFolder
    let studio: Studio
    let runner: (any JobRunner)?

    static func examples(in folder: String) throws -> String {
        let examples = folder + "/examples"
        try FileManager.default.createDirectory(atPath: examples, withIntermediateDirectories: true)
        let (w, h) = (40, 30)
        var photo = [Float](repeating: 0, count: 3 * w * h)
        var paint = photo
        for c in 0..<3 { for y in 0..<h { for x in 0..<w {
            photo[(c * h + y) * w + x] = Float((x * 6 + y * 2 + c * 40) % 256)
            paint[(c * h + y) * w + x] = ((x / 4 + y / 4) % 2 == 0) ? Float(60 * c + 40) : 230
        } } }
        try ImageIO.save(Tensor(shape: [3, h, w], data: photo), to: examples + "/photo.png")
        try ImageIO.save(Tensor(shape: [3, h, w], data: paint), to: examples + "/paint.png")
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: examples + "/notes.txt"))
        try ImageIO.save(Tensor(shape: [3, h, w], data: paint), to: examples + "/paint_mask.png")
        return examples
    }

    /// `configure` adjusts the configuration (token, limits) before the studio is made; `instant`
    /// gives the instant network (default: the process-wide one, from the installed models).
    init(runner: any JobRunner, folder: TempFolder? = nil, configure: (inout Studio.Configuration) -> Void = { _ in },
         instant: @escaping InstantPreviews.Loader = { try InstantStylizer.shared() }) throws {
        let folder = try folder ?? TempFolder()
        self.folder = folder
        var configuration = Studio.Configuration(paths: StudioPaths(root: folder.path + "/studio"),
                                                 examplesFolder: try Self.examples(in: folder.path))
        configuration.frameInterval = .milliseconds(20)
        configuration.saveInterval = 0.05
        configuration.threads = 1
        configuration.token = testToken
        configure(&configuration)
        studio = try Studio(configuration: configuration, runner: runner, instant: instant)
        self.runner = runner
    }
}

extension StudioFixture {
    /// A studio on `folder` after another one there let go of its lock. Retries for a while: a
    /// process that another test spawns at that moment holds a copy of the lock's descriptor
    /// between its fork and its exec (the descriptor is close-on-exec), so the lock may be held
    /// a moment longer.
    static func reopen(runner: any JobRunner, folder: TempFolder) async throws -> StudioFixture {
        let end = Date().addingTimeInterval(30)
        while true {
            do {
                return try StudioFixture(runner: runner, folder: folder)
            } catch StudioError.alreadyRunning(let message) where Date() < end {
                _ = message
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}

/// JSON of a reply body.
func json(_ buffer: ByteBuffer) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
}

func jsonBody(_ value: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: value)) ?? Data())
}

/// Waits (up to `seconds`, a generous bound, not a timing assertion) until `condition` holds.
func eventually(seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// VGG19 weights with random values, for a real transfer in the fast tier.
func randomStudioWeights(seed: UInt64) -> VGG19Weights {
    var state = seed | 1
    func next() -> Float {  // xorshift64*
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return Float((state &* 2685821657736338717) >> 40) / Float(1 << 24)
    }
    let convs = VGG19Architecture.convs.map { c -> ConvWeights in
        let scale = (2.0 / Float(c.inChannels * 9)).squareRoot() * 1.7
        let w = (0..<(c.outChannels * c.inChannels * 9)).map { _ in (next() * 2 - 1) * scale }
        let b = (0..<c.outChannels).map { _ in (next() * 2 - 1) * 0.1 }
        return ConvWeights(weights: Tensor(shape: [c.outChannels, c.inChannels, 3, 3], data: w), bias: b)
    }
    return VGG19Weights(convs: convs, source: "random(seed: \(seed))")
}

/// Raw HTTP over a plain socket: what a browser or an attacker's script sends, byte for byte
/// (any Host, any Origin).
enum RawHTTP {
    /// Connects to 127.0.0.1:`port`, sends `request`, and reads until `done` holds for what
    /// arrived (or the server closes, or a generous deadline passes).
    static func exchange(port: Int, _ request: String, done: (String) -> Bool) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StudioError.storage("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw StudioError.storage("connect failed") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw StudioError.storage("send failed") }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, received.count < 1 << 20 {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }  // closed
            if n < 0 { continue }  // nothing yet
            received += buffer[0..<n]
            if done(String(decoding: received, as: UTF8.self)) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// One request; the status and everything that came back (headers and body). Waits off
    /// the cooperative pool (the server's handlers need it).
    static func request(port: Int, _ request: String) async throws -> (status: Int, text: String) {
        let text = try await offPool { try exchange(port: port, request, done: complete) }
        let status = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, text)
    }

    /// Whether a whole answer arrived: its headers and Content-Length bytes of body.
    static func complete(_ text: String) -> Bool {
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) else { return true }
        return text.utf8.count - text[..<end.upperBound].utf8.count >= length
    }
}

/// A WebSocket handshake as a browser sends it (Host 127.0.0.1 with the port unless `headers`
/// has one, Origin as given): returns what the server answered within a moment (status,
/// headers, and the first frames when upgraded).
enum RawWebSocket {
    static func handshake(port: Int, path: String, origin: String?, headers: [String] = []) async throws -> String {
        var lines = ["GET \(path) HTTP/1.1"]
        if !headers.contains(where: { $0.lowercased().hasPrefix("host:") }) { lines.append("Host: 127.0.0.1:\(port)") }
        if let origin { lines.append("Origin: \(origin)") }
        lines += headers + ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]
        // Reads until the answer is complete: an upgrade with its first message (the job list),
        // or a refusal's headers; a generous deadline for a loaded machine, not a timing check.
        let request = lines.joined(separator: "\r\n") + "\r\n\r\n"
        return try await offPool {
            try RawHTTP.exchange(port: port, request) { text in
                text.hasPrefix("HTTP/1.1 101") ? text.contains("\"type\":\"jobs\"") : text.contains("\r\n\r\n")
            }
        }
    }
}

/// The token of every test studio (``StudioFixture``).
let testToken = "test-token-0123456789"

extension TestClientProtocol {
    /// A request as the studio's own page sends it: the token (header), and for a request that
    /// changes something the page's origin and its content type (JSON; uploads: raw bytes).
    /// `headers` are added last (a test may replace any of these).
    func send(uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        var fields = HTTPFields()
        fields[HeaderName.token!] = testToken
        if method != .get {
            fields[.origin] = "http://localhost:\(port ?? 8080)"
            let upload = method == .post && (uri == "/api/uploads" || uri.hasPrefix("/api/uploads?"))
            fields[.contentType] = upload ? "application/octet-stream" : "application/json"
        }
        for field in headers { fields[field.name] = field.value }
        return try await execute(uri: uri, method: method, headers: fields, body: body)
    }
}

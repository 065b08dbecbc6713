import Foundation
import Pincel
import Synchronization

/// The messages of the studio's WebSocket, fanned out to every open page. Each page has a
/// small buffer that keeps the newest messages: a slow page loses frames, the optimiser never
/// waits for it.
final class LiveHub: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<String>.Continuation]>([:])

    /// Messages kept per page before the oldest are dropped.
    static let buffered = 32

    /// A stream of every message broadcast from now on, until `unsubscribe(id)`.
    func subscribe() -> (id: UUID, messages: AsyncStream<String>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(Self.buffered))
        subscribers.withLock { $0[id] = continuation }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    var count: Int { subscribers.withLock { $0.count } }

    func broadcast(_ text: String) {
        let all = subscribers.withLock { Array($0.values) }
        for continuation in all { continuation.yield(text) }
    }

    func broadcast<T: Encodable>(_ message: T) {
        if let text = LiveMessage.encode(message) { broadcast(text) }
    }
}

/// What a running job reported last: written by the optimiser's thread once per evaluation
/// (a lock and an append), read by the studio's ticker a few times a second.
final class LiveJob: Sendable {
    struct Snapshot: Sendable {
        var iteration = 0
        var total = 0
        var elapsed = 0.0
        var seed: UInt64?
        var width: Int?
        var height: Int?
        var points: [LossPoint] = []
        var image: (@Sendable () -> Tensor?)?
    }

    let id: String
    private let state = Mutex(Snapshot())

    init(id: String) { self.id = id }

    /// The run started: its seed and size.
    func started(seed: UInt64, width: Int, height: Int, total: Int) {
        state.withLock {
            $0.seed = seed
            $0.width = width
            $0.height = height
            $0.total = total
        }
    }

    /// One evaluation: its loss terms, and how to get the image (called only by the ticker).
    func record(iteration: Int, total: Int, elapsed: Double, point: LossPoint?, image: (@Sendable () -> Tensor?)?) {
        state.withLock {
            $0.iteration = iteration
            $0.total = total
            $0.elapsed = elapsed
            if let point { $0.points.append(point) }
            $0.image = image
        }
    }

    func snapshot() -> Snapshot { state.withLock { $0 } }
}

/// JSON messages of the WebSocket (`type` first).
enum LiveMessage {
    /// The jobs changed: every job, newest first, without loss curves.
    struct Jobs: Encodable {
        let type = "jobs"
        let jobs: [JobSummary]
    }

    /// A running job's progress: new loss points and, when the image changed, a JPEG frame.
    struct Tick: Encodable {
        let type = "tick"
        let job: String
        let iteration: Int
        let total: Int
        let elapsed: Double
        /// Seconds left at the current pace, `nil` before the first evaluation.
        let eta: Double?
        /// `[iteration, content, style, tv]` since the previous tick (all of them on a page's first).
        let points: [[Double]]
        /// `data:image/jpeg;base64,…`, or `nil` when the image did not change.
        let frame: String?
    }

    static func encode<T: Encodable>(_ value: T) -> String? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A job as the page lists it: everything but the loss curve.
struct JobSummary: Codable, Sendable {
    let id: String
    let number: Int
    let state: JobState
    let parameters: JobParameters
    let seed: String?
    let iterations: Int
    let planned: Int
    let width: Int?
    let height: Int?
    let created: Double
    let started: Double?
    let finished: Double?
    let seconds: Double?
    let message: String?
    let hasImage: Bool
    /// Place in the queue, 1 = next; `nil` when not queued.
    let position: Int?

    init(_ job: StudioJob, position: Int? = nil) {
        id = job.id; number = job.number; state = job.state; parameters = job.parameters; seed = job.seed
        iterations = job.iterations; planned = job.planned; width = job.width; height = job.height
        created = job.created; started = job.started; finished = job.finished; seconds = job.seconds
        message = job.message; hasImage = job.hasImage; self.position = position
    }
}

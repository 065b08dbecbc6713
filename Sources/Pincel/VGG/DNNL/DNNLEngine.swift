import Foundation
import CDNNL

/// Owns a oneDNN CPU engine.
final class DNNLEngine {
    let handle: dnnl_engine_t

    init() throws {
        var engine: dnnl_engine_t?
        try dnnlCheck(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine_create")
        guard let engine else { throw DNNLError(status: -1, operation: "engine_create") }
        handle = engine
    }

    deinit { dnnl_engine_destroy(handle) }
}

/// Owns a oneDNN stream on an engine; primitives execute in order on it.
final class DNNLStream {
    let handle: dnnl_stream_t
    let engine: DNNLEngine

    init(engine: DNNLEngine) throws {
        var stream: dnnl_stream_t?
        try dnnlCheck(dnnl_stream_create(&stream, engine.handle, dnnl_stream_default_flags.rawValue), "stream_create")
        guard let stream else { throw DNNLError(status: -1, operation: "stream_create") }
        handle = stream
        self.engine = engine
    }

    func wait() throws { try dnnlCheck(dnnl_stream_wait(handle), "stream_wait") }

    deinit { dnnl_stream_destroy(handle) }
}

/// oneDNN's OpenMP thread pool.
public enum ComputeThreads {
    /// The most threads a caller may ask for: four per core, at least 64. More only
    /// oversubscribe the cores (10000 take minutes to start, 100000 crash libgomp).
    public static let maximum = max(4 * ProcessInfo.processInfo.activeProcessorCount, 64)

    /// Sets the number of threads oneDNN uses (OpenMP), at most ``maximum``; `nil` leaves the
    /// runtime's default.
    public static func set(_ count: Int?) {
        guard let count, count > 0 else { return }
        _ = pincel_omp_set_num_threads(Int32(min(count, maximum)))
    }

    /// The number of threads oneDNN will use.
    public static var current: Int { Int(pincel_omp_get_max_threads()) }
}

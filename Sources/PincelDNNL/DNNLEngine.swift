import PincelCore
import PincelWeights
import Foundation
internal import CDNNL

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

/// oneDNN's thread count.
///
/// Debian's libdnnl 2.6 is built with `DNNL_CPU_RUNTIME = DNNL_RUNTIME_OMP` (see
/// `oneapi/dnnl/dnnl_config.h`; the library links libgomp). oneDNN asks OpenMP for
/// `omp_get_max_threads()` when it creates a primitive (to size work splits and scratchpads)
/// and again when it runs one or calls `dnnl_sgemm`. That value is the *calling thread's*
/// `nthreads-var` ICV: in libgomp, `omp_set_num_threads` on a thread outside any parallel
/// region gives that thread its own copy of the ICVs, so it never changes what another thread
/// sees.
///
/// How a count is contained: ``VGG19Network`` applies its `NetworkOptions.threads` with
/// ``withCount(_:_:)`` around each plan build, forward pass and backward pass (the backward
/// pass's tap-gradient callback, where the losses' `dnnl_sgemm` runs, included), on the
/// thread doing the work, and restores that thread's previous count before returning. So two
/// networks with different counts can be used alternately, from any threads, and the rest of
/// the process keeps its own count.
///
/// Limits: OpenMP's worker threads are per calling thread, not per network, so two networks
/// used at the same time from two threads each get their own team (the cores are shared,
/// not partitioned). Work outside a network's calls runs on the calling thread's own count
/// unless the caller wraps it in ``VGG19Network/withComputeThreads(_:)`` (``GatysObjective``
/// does so for the style targets' Gram matrices). The `OMP_NUM_THREADS`
/// environment variable sets every thread's starting count. When the OpenMP runtime is not
/// found, counts are ignored.
public enum ComputeThreads {
    /// The most threads a caller may ask for: four per core, at least 64. More only
    /// oversubscribe the cores (10000 take minutes to start, 100000 crash libgomp).
    public static let maximum = max(4 * ProcessInfo.processInfo.activeProcessorCount, 64)

    /// Sets the calling thread's OpenMP thread count, at most ``maximum``; `nil` (or a count
    /// below 1) leaves it. It stays set on this thread: prefer ``withCount(_:_:)``.
    public static func set(_ count: Int?) {
        guard let count, count > 0 else { return }
        _ = pincel_omp_set_num_threads(Int32(min(count, maximum)))
    }

    /// Runs `body` with the calling thread's OpenMP thread count set to `count` (at most
    /// ``maximum``; `nil` or a count below 1 runs it unchanged), then restores the count the
    /// thread had before, also when `body` throws.
    public static func withCount<T>(_ count: Int?, _ body: () throws -> T) rethrows -> T {
        guard let count, count > 0 else { return try body() }
        let previous = pincel_omp_get_max_threads()
        let wanted = Int32(min(count, maximum))
        guard previous > 0, previous != wanted else { return try body() }
        _ = pincel_omp_set_num_threads(wanted)
        defer { _ = pincel_omp_set_num_threads(previous) }
        return try body()
    }

    /// The number of threads oneDNN will use for work started on the calling thread.
    public static var current: Int { Int(pincel_omp_get_max_threads()) }
}

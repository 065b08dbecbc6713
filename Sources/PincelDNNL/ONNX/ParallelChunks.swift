import Foundation
internal import CDNNL

/// Splits the element-wise passes between convolutions over the threads oneDNN uses for work
/// started on the calling thread (``ComputeThreads/current``: `--threads`), on oneDNN's own
/// OpenMP pool. A second pool (Dispatch) would compete with OpenMP's workers, which spin for a
/// while after each convolution, for the same cores.
enum ParallelChunks {
    /// Elements below which the work runs on the calling thread.
    static let threshold = 1 << 16

    /// The threads a pass started on the calling thread uses.
    static var workers: Int { max(1, min(ComputeThreads.current, 64)) }

    /// Calls `body` with disjoint ranges that cover `0..<count`, in parallel when `count`
    /// reaches `minimum` (default ``threshold``).
    static func run(_ count: Int, minimum: Int = threshold, _ body: (Range<Int>) -> Void) {
        let parts = count < minimum ? 1 : min(workers, count)
        if parts <= 1 { body(0 ..< count); return }
        let step = (count + parts - 1) / parts
        forEachPart(parts) { p in
            let lo = p * step, hi = min(count, lo + step)
            if lo < hi { body(lo ..< hi) }
        }
    }

    /// Calls `body(p)` for each `p` in `0..<parts`, the parts spread over the pool's threads
    /// (serially where no OpenMP runtime is found). `body` must be safe to call concurrently
    /// for different parts.
    static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { if parts == 1 { body(0) }; return }
        withoutActuallyEscaping(body) { escaping in
            let work = Work(parts: parts, body: escaping)
            let ran = pincel_omp_parallel({ context in
                guard let context else { return }
                let work = Unmanaged<Work>.fromOpaque(context).takeUnretainedValue()
                let threads = max(1, Int(pincel_omp_num_threads()))
                var p = Int(pincel_omp_thread_num())
                while p < work.parts { work.body(p); p += threads }
            }, Unmanaged.passUnretained(work).toOpaque(), UInt32(min(parts, workers)))
            if ran == 0 { for p in 0 ..< parts { escaping(p) } }
            withExtendedLifetime(work) {}
        }
    }

    /// What the pool's threads read: the part count and the work (alive for the call).
    private final class Work {
        let parts: Int
        let body: (Int) -> Void
        init(parts: Int, body: @escaping (Int) -> Void) {
            self.parts = parts
            self.body = body
        }
    }
}

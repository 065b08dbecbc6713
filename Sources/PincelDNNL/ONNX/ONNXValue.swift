import Foundation
import PincelCore
import PincelWeights

/// A value flowing through an ``ONNXProgram``: a dense float32 tensor, row-major.
///
/// Integer tensors (an `int8` activation after `QuantizeLinear`, a shape) are held as floats
/// too; every integer they hold is exact in a float.
package struct ONNXValue: Sendable {
    /// Dimensions, outermost first.
    package var shape: [Int]
    /// `shape.reduce(1, *)` values.
    package var data: [Float]

    package init(shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    init(_ tensor: ONNXTensor) {
        shape = tensor.shape
        data = tensor.values
    }

    var count: Int { data.count }
}

/// Splits element-wise work over the cores when it is large enough to pay for the threads.
enum ParallelChunks {
    /// Elements below which the work runs on the calling thread.
    static let threshold = 1 << 16

    static var workers: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// Calls `body` with disjoint ranges that cover `0..<count`.
    static func run(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = count < threshold ? 1 : workers
        if parts == 1 { body(0 ..< count); return }
        let step = (count + parts - 1) / parts
        // The parts write disjoint ranges; the closure does not outlive this call.
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = p * step, hi = min(count, lo + step)
            if lo < hi { work(lo ..< hi) }
        }
    }
}

import Foundation

/// Vector kernels shared by the optimisers and the loss terms.
///
/// Values are stored as `Float`; reductions (dot products, sums of squares) run in
/// blocks: 16 `Float` lanes accumulate at most 1024 products each block (64 per lane),
/// and block sums are accumulated in `Double`. This keeps the inner loops vectorisable
/// (SIMD16; plain multiply-add, not `addingProduct`, which becomes a libm `fmaf` call per lane on
/// baseline x86-64) while the rounding error stays that of a short `Float` sum plus a `Double` sum.
/// Element-wise loops are plain pointer loops the compiler auto-vectorises.
enum VectorMath {
    static let blockSize = 1024

    /// `Σ a[i] * b[i]` with blockwise `Double` accumulation.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
        var total = 0.0
        var i = 0
        while i < n {
            let end = min(i + blockSize, n)
            var acc = SIMD16<Float>(repeating: 0)
            var j = i
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            while j + 16 <= end {
                let va = ra.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                let vb = rb.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                acc += va * vb
                j &+= 16
            }
            var blockSum = 0.0
            for lane in 0..<16 { blockSum += Double(acc[lane]) }
            while j < end {
                blockSum += Double(a[j]) * Double(b[j])
                j &+= 1
            }
            total += blockSum
            i = end
        }
        return total
    }

    /// `Σ (a[i] - b[i])²` with blockwise `Double` accumulation.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
        var total = 0.0
        var i = 0
        while i < n {
            let end = min(i + blockSize, n)
            var acc = SIMD16<Float>(repeating: 0)
            var j = i
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            while j + 16 <= end {
                let d = ra.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                    - rb.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                acc += d * d
                j &+= 16
            }
            var blockSum = 0.0
            for lane in 0..<16 { blockSum += Double(acc[lane]) }
            while j < end {
                let d = Double(a[j]) - Double(b[j])
                blockSum += d * d
                j &+= 1
            }
            total += blockSum
            i = end
        }
        return total
    }

    /// `Σ |a[i]|` with blockwise `Double` accumulation.
    @inline(__always)
    static func sumAbs(_ a: UnsafePointer<Float>, count n: Int) -> Double {
        var total = 0.0
        var i = 0
        let ra = UnsafeRawPointer(a)
        while i < n {
            let end = min(i + blockSize, n)
            var acc = SIMD16<Float>(repeating: 0)
            var j = i
            while j + 16 <= end {
                let v = ra.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                acc += v.replacing(with: -v, where: v .< 0)
                j &+= 16
            }
            var blockSum = 0.0
            for lane in 0..<16 { blockSum += Double(acc[lane]) }
            while j < end {
                blockSum += Double(abs(a[j]))
                j &+= 1
            }
            total += blockSum
            i = end
        }
        return total
    }

    /// `y[i] += alpha * x[i]`.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    /// `x[i] *= alpha`.
    @inline(__always)
    static func scale(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { x[i] *= alpha }
    }

    /// `x[i] = min(max(x[i], lower), upper)`.
    @inline(__always)
    static func clamp(_ x: UnsafeMutablePointer<Float>, lower: Float, upper: Float, count n: Int) {
        for i in 0..<n { x[i] = Swift.min(Swift.max(x[i], lower), upper) }
    }
}

extension VectorMath {
    /// Threads for the long vector passes of L-BFGS (the two-loop recursion streams the whole
    /// history through memory every iteration; two threads draw more bandwidth than one).
    static let passThreads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
    /// Below this length a pass runs on the calling thread.
    static let parallelThreshold = 1 << 16

    /// `d += alpha · x`, then returns `z · d` (the updated `d`), or 0 when `z` is nil — one pass
    /// over memory instead of two, split across ``passThreads`` threads for long vectors.
    static func axpyThenDot(_ alpha: Float, _ x: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>,
                            dotWith z: UnsafePointer<Float>?, count n: Int) -> Double {
        let parts = n >= parallelThreshold ? passThreads : 1
        if parts == 1 { return axpyThenDotRange(alpha, x, d, z, 0, n) }
        let chunk = (n + parts - 1) / parts
        // Partial sums on the stack: the pass allocates nothing on the heap.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: parts) { sums in
            guard let base = sums.baseAddress else { return axpyThenDotRange(alpha, x, d, z, 0, n) }
            // Each thread touches its own range of d and its own slot of sums.
            nonisolated(unsafe) let (xs, ds, zs, out) = (x, d, z, base)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let start = p * chunk
                out[p] = axpyThenDotRange(alpha, xs, ds, zs, start, min(n, start + chunk))
            }
            var total = 0.0
            for p in 0..<parts { total += base[p] }
            return total
        }
    }

    @inline(__always)
    private static func axpyThenDotRange(_ alpha: Float, _ x: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>,
                                         _ z: UnsafePointer<Float>?, _ start: Int, _ end: Int) -> Double {
        let a = SIMD16<Float>(repeating: alpha)
        let rx = UnsafeRawPointer(x), rd = UnsafeMutableRawPointer(d)
        var total = 0.0
        var i = start
        while i < end {
            let blockEnd = min(i + blockSize, end)
            var acc = SIMD16<Float>(repeating: 0)
            var j = i
            if let z {
                let rz = UnsafeRawPointer(z)
                while j + 16 <= blockEnd {
                    let v = rd.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                        + a * rx.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                    rd.storeBytes(of: v, toByteOffset: j &* 4, as: SIMD16<Float>.self)
                    acc += v * rz.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                    j &+= 16
                }
            } else {
                while j + 16 <= blockEnd {
                    let v = rd.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                        + a * rx.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
                    rd.storeBytes(of: v, toByteOffset: j &* 4, as: SIMD16<Float>.self)
                    j &+= 16
                }
            }
            var blockSum = 0.0
            for lane in 0..<16 { blockSum += Double(acc[lane]) }
            while j < blockEnd {
                d[j] += alpha * x[j]
                if let z { blockSum += Double(z[j]) * Double(d[j]) }
                j &+= 1
            }
            total += blockSum
            i = blockEnd
        }
        return total
    }
}

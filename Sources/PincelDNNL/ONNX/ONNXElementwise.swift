import Foundation
import PincelCore

/// The element-wise operators of the instant networks, on ``ONNXValue``s, in either storage
/// order (each loop is specialised per operator, so the compiler vectorises it).
enum ONNXElementwise {
    /// One-input operators.
    enum Unary: Sendable {
        case relu, sigmoid, sqrt, reciprocal
        case clip(Float, Float)
        /// `(x - shift) * scale` (per-tensor dequantisation).
        case affine(shift: Float, scale: Float)
        /// `clamp(round_half_even(x / scale) + zeroPoint, lo, hi)` (per-tensor quantisation).
        case quantize(scale: Float, zeroPoint: Float, lo: Float, hi: Float)
    }

    /// Two-input operators.
    enum Binary: String, Sendable {
        case add = "Add", sub = "Sub", mul = "Mul", div = "Div"
    }

    /// Applies `kind` to every element; the storage order is kept.
    static func unary(_ x: ONNXValue, _ kind: Unary) -> ONNXValue {
        let out = filled(x.count) { d in
            x.data.withUnsafeBufferPointer { s in
                let s = s
                ParallelChunks.run(s.count) { r in apply(kind, s, d, r) }
            }
        }
        return ONNXValue(shape: x.shape, data: out, channelsLast: x.channelsLast)
    }

    /// A new array of `count` floats, every one written by `fill` (not zeroed first).
    static func filled(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableBufferPointer(rebasing: buffer[0 ..< count]))
            initialized = count
        }
    }

    private static func apply(_ kind: Unary, _ s: UnsafeBufferPointer<Float>, _ d: UnsafeMutableBufferPointer<Float>,
                              _ r: Range<Int>) {
        switch kind {
        case .relu: for i in r { d[i] = max(s[i], 0) }
        case .sigmoid: for i in r { d[i] = 1 / (1 + Foundation.exp(-s[i])) }
        case .sqrt: for i in r { d[i] = s[i].squareRoot() }
        case .reciprocal: for i in r { d[i] = 1 / s[i] }
        case .clip(let lo, let hi): for i in r { d[i] = min(max(s[i], lo), hi) }
        case .affine(let shift, let scale): for i in r { d[i] = (s[i] - shift) * scale }
        case .quantize(let scale, let zero, let lo, let hi):
            for i in r { d[i] = min(max((s[i] / scale).rounded(.toNearestOrEven) + zero, lo), hi) }
        }
    }

    /// `QuantizeLinear` (per tensor), kept as floats.
    static func quantize(_ x: ONNXValue, scale: Float, zeroPoint: Float, lo: Float, hi: Float) -> ONNXValue {
        unary(x, .quantize(scale: scale, zeroPoint: zeroPoint, lo: lo, hi: hi))
    }

    /// The shape two shapes broadcast to (numpy rules), or `nil` when they do not.
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(x == 1 ? y : x)
        }
        return out
    }

    /// Brings two operands to one storage order: channels-last when either is and the other is
    /// 4-D (relabelled for free when it has one pixel or one channel); else row-major.
    private static func aligned(_ a: ONNXValue, _ b: ONNXValue) throws -> (ONNXValue, ONNXValue, Bool) {
        guard a.channelsLast || b.channelsLast else { return (a, b, false) }
        if a.shape.count == 4 && b.shape.count == 4 {
            return (try a.inChannelsLast(), try b.inChannelsLast(), true)
        }
        if b.count == 1 { return (a, b, a.channelsLast) }
        if a.count == 1 { return (a, b, b.channelsLast) }
        return (try a.rowMajor(), try b.rowMajor(), false)
    }

    /// A binary operator with numpy broadcasting, computed in storage order; fast paths for
    /// equal shapes and a scalar.
    static func binary(_ first: ONNXValue, _ second: ONNXValue, _ kind: Binary) throws -> ONNXValue {
        guard let logical = broadcastShape(first.shape, second.shape) else {
            throw ONNXRunError.shapes("\(kind.rawValue) of shapes \(first.shape) and \(second.shape)")
        }
        let (a, b, last) = try aligned(first, second)
        let aShape = last && a.shape.count == 4 ? a.storedShape : a.shape
        let bShape = last && b.shape.count == 4 ? b.storedShape : b.shape
        let shape = last ? ONNXValue.toChannelsLast(logical) : logical
        let count = shape.reduce(1, *)
        let inner = shape.last ?? 1
        let out = filled(count) { d in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    let x = pa, y = pb
                    if a.count == count && b.count == count {
                        ParallelChunks.run(count) { r in same(kind, x, y, d, r) }
                    } else if b.count == 1 && a.count == count {
                        ParallelChunks.run(count) { r in scalarRight(kind, x, y[0], d, r) }
                    } else if inner > 1, a.count == count, isVector(bShape, inner: inner) {
                        rows(kind, full: x, vector: y, vectorFirst: false, inner: inner, d)
                    } else if inner > 1, b.count == count, isVector(aShape, inner: inner) {
                        rows(kind, full: y, vector: x, vectorFirst: true, inner: inner, d)
                    } else {
                        general(kind, shape: shape, aShape: aShape, bShape: bShape, x, y, d)
                    }
                }
            }
        }
        return ONNXValue(shape: logical, data: out, channelsLast: last)
    }

    /// True when `shape` is `[1, …, 1, inner]` (or shorter): one value per position of the
    /// innermost axis (a per-channel operand of a channels-last value).
    private static func isVector(_ shape: [Int], inner: Int) -> Bool {
        shape.last == inner && shape.dropLast().allSatisfy { $0 == 1 }
    }

    /// `full op vector` (or `vector op full`) row by row, the vector along the innermost axis;
    /// rows run in parallel.
    private static func rows(_ k: Binary, full x: UnsafeBufferPointer<Float>, vector v: UnsafeBufferPointer<Float>,
                             vectorFirst: Bool, inner n: Int, _ d: UnsafeMutableBufferPointer<Float>) {
        ParallelChunks.run(d.count / n, minimum: max(1, ParallelChunks.threshold / n)) { range in
            for row in range {
                let base = row * n
                switch (k, vectorFirst) {
                case (.add, _): for i in 0 ..< n { d[base + i] = x[base + i] + v[i] }
                case (.mul, _): for i in 0 ..< n { d[base + i] = x[base + i] * v[i] }
                case (.sub, false): for i in 0 ..< n { d[base + i] = x[base + i] - v[i] }
                case (.sub, true): for i in 0 ..< n { d[base + i] = v[i] - x[base + i] }
                case (.div, false): for i in 0 ..< n { d[base + i] = x[base + i] / v[i] }
                case (.div, true): for i in 0 ..< n { d[base + i] = v[i] / x[base + i] }
                }
            }
        }
    }

    private static func same(_ k: Binary, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                             _ d: UnsafeMutableBufferPointer<Float>, _ r: Range<Int>) {
        switch k {
        case .add: for i in r { d[i] = x[i] + y[i] }
        case .sub: for i in r { d[i] = x[i] - y[i] }
        case .mul: for i in r { d[i] = x[i] * y[i] }
        case .div: for i in r { d[i] = x[i] / y[i] }
        }
    }

    private static func scalarRight(_ k: Binary, _ x: UnsafeBufferPointer<Float>, _ v: Float,
                                    _ d: UnsafeMutableBufferPointer<Float>, _ r: Range<Int>) {
        switch k {
        case .add: for i in r { d[i] = x[i] + v }
        case .sub: for i in r { d[i] = x[i] - v }
        case .mul: for i in r { d[i] = x[i] * v }
        case .div: for i in r { d[i] = x[i] / v }
        }
    }

    /// Broadcasting by strides (a dimension of extent 1 has stride 0), one innermost row at a
    /// time; rows run in parallel.
    private static func general(_ k: Binary, shape: [Int], aShape: [Int], bShape: [Int], _ x: UnsafeBufferPointer<Float>,
                                _ y: UnsafeBufferPointer<Float>, _ d: UnsafeMutableBufferPointer<Float>) {
        let rank = shape.count
        func strides(_ s: [Int]) -> [Int] {
            let p = [Int](repeating: 1, count: rank - s.count) + s
            var st = [Int](repeating: 0, count: rank), acc = 1
            for i in stride(from: rank - 1, through: 0, by: -1) {
                st[i] = p[i] == 1 ? 0 : acc
                acc *= p[i]
            }
            return st
        }
        let sa = strides(aShape), sb = strides(bShape)
        let inner = shape.last ?? 1
        let outer = inner == 0 ? 0 : d.count / inner
        let ia = sa.last ?? 0, ib = sb.last ?? 0
        ParallelChunks.run(outer, minimum: 64) { rows in
            for o in rows {
                var rem = o, offA = 0, offB = 0
                for dim in stride(from: rank - 2, through: 0, by: -1) {
                    let idx = rem % shape[dim]
                    rem /= shape[dim]
                    offA += idx * sa[dim]
                    offB += idx * sb[dim]
                }
                row(k, x, offA, ia, y, offB, ib, d, o * inner, inner)
            }
        }
    }

    private static func row(_ k: Binary, _ x: UnsafeBufferPointer<Float>, _ offA: Int, _ ia: Int,
                            _ y: UnsafeBufferPointer<Float>, _ offB: Int, _ ib: Int,
                            _ d: UnsafeMutableBufferPointer<Float>, _ base: Int, _ n: Int) {
        switch k {
        case .add: for i in 0 ..< n { d[base + i] = x[offA + i * ia] + y[offB + i * ib] }
        case .sub: for i in 0 ..< n { d[base + i] = x[offA + i * ia] - y[offB + i * ib] }
        case .mul: for i in 0 ..< n { d[base + i] = x[offA + i * ia] * y[offB + i * ib] }
        case .div: for i in 0 ..< n { d[base + i] = x[offA + i * ia] / y[offB + i * ib] }
        }
    }

    /// The values of a per-channel operand of the channels-last `x` (logical shape
    /// `[1, C, 1, 1]` or a right-aligned suffix of it, C being `x`'s channels), or `nil`.
    private static func perChannel(_ v: ONNXValue, of x: ONNXValue) -> ONNXValue? {
        guard x.channelsLast, x.shape.count == 4, x.shape[0] == 1, v.shape.count <= 4 else { return nil }
        let padded = [Int](repeating: 1, count: 4 - v.shape.count) + v.shape
        guard padded == [1, x.shape[1], 1, 1] else { return nil }
        return v
    }

    /// `GlobalAveragePool(Mul(d, d))` with `d = Sub(x, m)`, in one pass when `x` is
    /// channels-last and `m` per-channel (the squared differences are summed as they are
    /// made, in the float operations of the separate operators); else by those operators.
    static func centredMeanSquare(_ x: ONNXValue, _ m: ONNXValue) throws -> ONNXValue {
        guard let mean = perChannel(m, of: x), x.shape[2] * x.shape[3] > 0 else {
            let d = try binary(x, m, .sub)
            return try globalAveragePool(binary(d, d, .mul))
        }
        let channels = x.shape[1], plane = x.shape[2] * x.shape[3]
        let sums = x.data.withUnsafeBufferPointer { src in
            mean.data.withUnsafeBufferPointer { centre in channelSums(src, channels: channels, centre: centre) }
        }
        return ONNXValue(shape: [1, channels, 1, 1], data: sums.map { Float($0 / Double(plane)) })
    }

    /// `Add(Mul(a, b), t)`, then `Relu` when `relu`: one pass when one of `a`, `b` is a
    /// channels-last activation and the other and `t` are per-channel; else by the separate
    /// operators.
    static func scaleShift(_ a: ONNXValue, _ b: ONNXValue, _ t: ONNXValue, relu: Bool) throws -> ONNXValue {
        let (x, s) = a.count >= b.count ? (a, b) : (b, a)
        guard let scale = perChannel(s, of: x), let shift = perChannel(t, of: x) else {
            let y = try binary(binary(a, b, .mul), t, .add)
            return relu ? unary(y, .relu) : y
        }
        let n = x.shape[1]
        let data = filled(x.count) { d in
            x.data.withUnsafeBufferPointer { px in
                scale.data.withUnsafeBufferPointer { ps in
                    shift.data.withUnsafeBufferPointer { pt in
                        let v = px, s = ps, t = pt
                        ParallelChunks.run(v.count / n, minimum: max(1, ParallelChunks.threshold / n)) { range in
                            for row in range {
                                let base = row * n
                                if relu {
                                    for i in 0 ..< n { d[base + i] = max(v[base + i] * s[i] + t[i], 0) }
                                } else {
                                    for i in 0 ..< n { d[base + i] = v[base + i] * s[i] + t[i] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ONNXValue(shape: x.shape, data: data, channelsLast: true)
    }

    /// The per-channel sums of channels-last pixels (`[pixels, channels]`), of the values or,
    /// with `centre` (one value per channel), of their squared differences from it. Blocks of
    /// 64 pixels are summed in float, eight channels to a vector, and blocks are added in
    /// double; parts of the image run in parallel.
    static func channelSums(_ x: UnsafeBufferPointer<Float>, channels: Int,
                            centre: UnsafeBufferPointer<Float>? = nil) -> [Double] {
        let pixels = x.count / max(channels, 1), block = 64
        let blocks = (pixels + block - 1) / block
        let parts = x.count < ParallelChunks.threshold ? 1 : min(ParallelChunks.workers, max(blocks, 1))
        let sharedPartial = UnsafeMutableBufferPointer<Double>.allocate(capacity: parts * channels)
        defer { sharedPartial.deallocate() }
        sharedPartial.initialize(repeating: 0)
        let step = (blocks + parts - 1) / max(parts, 1)
        // Each part reads the input and writes its own row of `partial`.
        let partial = sharedPartial
        ParallelChunks.forEachPart(parts) { p in
            let local = UnsafeMutableBufferPointer<Float>.allocate(capacity: channels)
            defer { local.deallocate() }
            for k in stride(from: p * step, to: min(blocks, (p + 1) * step), by: 1) {
                local.initialize(repeating: 0)
                let range = k * block ..< min(pixels, (k + 1) * block)
                if let centre {
                    blockSums(x, range, channels, into: local, centre: centre) { v, m in (v - m) * (v - m) }
                } else {
                    blockSums(x, range, channels, into: local, centre: nil) { v, _ in v }
                }
                for c in 0 ..< channels { partial[p * channels + c] += Double(local[c]) }
            }
        }
        var sums = [Double](repeating: 0, count: channels)
        for p in 0 ..< parts { for c in 0 ..< channels { sums[c] += sharedPartial[p * channels + c] } }
        return sums
    }

    /// Adds `term(value, centre)` of pixels `range` into `local`, eight channels at a time.
    @inline(__always)
    private static func blockSums(_ x: UnsafeBufferPointer<Float>, _ range: Range<Int>, _ channels: Int,
                                  into local: UnsafeMutableBufferPointer<Float>, centre: UnsafeBufferPointer<Float>?,
                                  _ term: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        guard let base = x.baseAddress, let sums = local.baseAddress else { return }
        let vectors = channels / 8
        var c = 0
        // Groups of eight channels: a vector accumulator per group, pixels in order.
        while c < vectors * 8 {
            var m = SIMD8<Float>.zero
            if let centre { for i in 0 ..< 8 { m[i] = centre[c + i] } }
            var acc = SIMD8<Float>.zero
            for pixel in range {
                let v = UnsafeRawPointer(base + pixel * channels + c).loadUnaligned(as: SIMD8<Float>.self)
                acc += term(v, m)
            }
            for i in 0 ..< 8 { sums[c + i] += acc[i] }
            c += 8
        }
        // The remaining channels (fewer than eight), one lane each.
        while c < channels {
            let m = SIMD8<Float>(repeating: centre?[c] ?? 0)
            var acc: Float = 0
            for pixel in range { acc += term(SIMD8<Float>(repeating: base[pixel * channels + c]), m)[0] }
            sums[c] += acc
            c += 1
        }
    }

    /// `GlobalAveragePool` of `[N, C, H, W]` → `[N, C, 1, 1]` (sums in double precision), from
    /// either storage order.
    static func globalAveragePool(_ x: ONNXValue) throws -> ONNXValue {
        guard x.shape.count == 4 else { throw ONNXRunError.shapes("GlobalAveragePool of shape \(x.shape)") }
        let n = x.shape[0], channels = x.shape[1], plane = x.shape[2] * x.shape[3]
        guard plane > 0 else { throw ONNXRunError.shapes("GlobalAveragePool of an empty plane \(x.shape)") }
        var sums = [Double](repeating: 0, count: n * channels)
        x.data.withUnsafeBufferPointer { src in
            for b in 0 ..< n {
                if x.channelsLast {
                    let image = UnsafeBufferPointer(rebasing: src[b * plane * channels ..< (b + 1) * plane * channels])
                    let total = channelSums(image, channels: channels)
                    for c in 0 ..< channels { sums[b * channels + c] = total[c] }
                } else {
                    for c in 0 ..< channels {
                        let base = (b * channels + c) * plane
                        var sum = 0.0
                        for i in base ..< base + plane { sum += Double(src[i]) }
                        sums[b * channels + c] = sum
                    }
                }
            }
        }
        return ONNXValue(shape: [n, channels, 1, 1], data: sums.map { Float($0 / Double(plane)) })
    }
}

/// A failure while running a graph on given inputs.
package enum ONNXRunError: Error, CustomStringConvertible {
    /// Shapes an operator cannot combine.
    case shapes(String)
    /// An input the graph needs was not given, or has the wrong rank.
    case input(String)

    package var description: String {
        switch self {
        case .shapes(let d): return "instant network: \(d)"
        case .input(let d): return "instant network: \(d)"
        }
    }
}

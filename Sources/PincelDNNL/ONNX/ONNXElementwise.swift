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
        var out = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src, d = dst
                ParallelChunks.run(s.count) { r in apply(kind, s, d, r) }
            }
        }
        return ONNXValue(shape: x.shape, data: out, channelsLast: x.channelsLast)
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
        var out = [Float](repeating: 0, count: count)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    let x = pa, y = pb, d = po
                    if a.count == count && b.count == count {
                        ParallelChunks.run(count) { r in same(kind, x, y, d, r) }
                    } else if b.count == 1 && a.count == count {
                        ParallelChunks.run(count) { r in scalarRight(kind, x, y[0], d, r) }
                    } else {
                        general(kind, shape: shape, aShape: aShape, bShape: bShape, x, y, d)
                    }
                }
            }
        }
        return ONNXValue(shape: logical, data: out, channelsLast: last)
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
                    for p in 0 ..< plane {
                        let base = (b * plane + p) * channels
                        for c in 0 ..< channels { sums[b * channels + c] += Double(src[base + c]) }
                    }
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

import Foundation
import PincelCore

/// The element-wise operators of the instant networks, on ``ONNXValue``s.
enum ONNXElementwise {
    /// Applies `f` to every element.
    static func unary(_ x: ONNXValue, _ f: (Float) -> Float) -> ONNXValue {
        var out = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src, d = dst
                ParallelChunks.run(s.count) { range in for i in range { d[i] = f(s[i]) } }
            }
        }
        return ONNXValue(shape: x.shape, data: out)
    }

    /// `QuantizeLinear` (per tensor): `clamp(round_half_even(x / scale) + zeroPoint, lo, hi)`,
    /// kept as floats.
    static func quantize(_ x: ONNXValue, scale: Float, zeroPoint: Float, lo: Float, hi: Float) -> ONNXValue {
        unary(x) { v in min(max((v / scale).rounded(.toNearestOrEven) + zeroPoint, lo), hi) }
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

    /// A binary operator with numpy broadcasting; fast paths for equal shapes, a scalar, and
    /// one value per channel (`[1, C, 1, 1]` against `[1, C, H, W]`).
    static func binary(_ a: ONNXValue, _ b: ONNXValue, op: String, _ f: (Float, Float) -> Float) throws -> ONNXValue {
        guard let shape = broadcastShape(a.shape, b.shape) else {
            throw ONNXRunError.shapes("\(op) of shapes \(a.shape) and \(b.shape)")
        }
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    let x = pa, y = pb, d = po
                    if a.count == count && b.count == count {
                        ParallelChunks.run(count) { r in for i in r { d[i] = f(x[i], y[i]) } }
                    } else if b.count == 1 && a.count == count {
                        let v = y[0]
                        ParallelChunks.run(count) { r in for i in r { d[i] = f(x[i], v) } }
                    } else if a.count == 1 && b.count == count {
                        let v = x[0]
                        ParallelChunks.run(count) { r in for i in r { d[i] = f(v, y[i]) } }
                    } else {
                        general(shape: shape, aShape: a.shape, bShape: b.shape, x, y, d, f)
                    }
                }
            }
        }
        return ONNXValue(shape: shape, data: out)
    }

    /// Broadcasting by strides: a dimension of extent 1 has stride 0.
    private static func general(shape: [Int], aShape: [Int], bShape: [Int], _ x: UnsafeBufferPointer<Float>,
                                _ y: UnsafeBufferPointer<Float>, _ d: UnsafeMutableBufferPointer<Float>,
                                _ f: (Float, Float) -> Float) {
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
        for o in 0 ..< outer {
            var rem = o, offA = 0, offB = 0
            for dim in stride(from: rank - 2, through: 0, by: -1) {
                let idx = rem % shape[dim]
                rem /= shape[dim]
                offA += idx * sa[dim]
                offB += idx * sb[dim]
            }
            let base = o * inner
            for i in 0 ..< inner { d[base + i] = f(x[offA + i * ia], y[offB + i * ib]) }
        }
    }

    /// `GlobalAveragePool` of `[N, C, H, W]` → `[N, C, 1, 1]` (sums in double precision).
    static func globalAveragePool(_ x: ONNXValue) throws -> ONNXValue {
        guard x.shape.count == 4 else { throw ONNXRunError.shapes("GlobalAveragePool of shape \(x.shape)") }
        let planes = x.shape[0] * x.shape[1], plane = x.shape[2] * x.shape[3]
        guard plane > 0 else { throw ONNXRunError.shapes("GlobalAveragePool of an empty plane \(x.shape)") }
        var out = [Float](repeating: 0, count: planes)
        x.data.withUnsafeBufferPointer { src in
            for p in 0 ..< planes {
                var sum = 0.0
                for i in p * plane ..< (p + 1) * plane { sum += Double(src[i]) }
                out[p] = Float(sum / Double(plane))
            }
        }
        return ONNXValue(shape: [x.shape[0], x.shape[1], 1, 1], data: out)
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

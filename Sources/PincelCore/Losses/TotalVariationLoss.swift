/// Total-variation regulariser on an image `x` of shape `[C, H, W]` (usually `[3, H, W]`),
/// over horizontal differences `dx = x[c,i,j+1] - x[c,i,j]` and vertical differences
/// `dy = x[c,i+1,j] - x[c,i,j]`.
public enum TotalVariationLoss {
    /// Which penalty to apply to each difference.
    public enum Norm: Sendable, Equatable {
        /// `weight / 2 · Σ (dx² + dy²)`; gradient is exact.
        case l2
        /// `weight · Σ (φ(dx) + φ(dy))` with the smoothed absolute value
        /// `φ(d) = sqrt(d² + ε²) - ε`, `ε = smoothing ≥ 0`, so `φ(0) = 0` and `φ(d) → |d|`.
        /// `φ'(d) = d / sqrt(d² + ε²)`. With `ε = 0` the value is exactly `Σ |d|` and the gradient
        /// the subgradient `sign(d)` (taking 0 at `d = 0`). A small `ε` (e.g. 0.01 for pixel
        /// values 0…255) keeps the objective differentiable for L-BFGS.
        case l1(smoothing: Float)
    }

    /// Returns the loss and **adds** its gradient into `gradient` (same size as `image`).
    public static func evaluate(image: UnsafeBufferPointer<Float>, channels: Int, height: Int, width: Int,
                                norm: Norm, weight: Float,
                                gradient: UnsafeMutableBufferPointer<Float>) throws -> Float {
        guard channels > 0, height > 0, width > 0 else {
            throw LossError.invalidArgument("total variation needs a non-empty [channels, height, width] image, got [\(channels), \(height), \(width)]")
        }
        let count = channels * height * width
        guard image.count == count else {
            throw LossError.sizeMismatch(what: "the total-variation image", expected: count, actual: image.count)
        }
        guard gradient.count == count else {
            throw LossError.sizeMismatch(what: "the total-variation gradient", expected: count, actual: gradient.count)
        }
        // `count > 0` here (all dimensions checked positive), so both base addresses exist.
        guard let x = image.baseAddress, let g = gradient.baseAddress else {
            throw LossError.invalidArgument("the total-variation image or gradient buffer has no storage")
        }
        switch norm {
        case .l2:
            return Float(l2(x, g, channels, height, width, weight))
        case let .l1(smoothing):
            guard smoothing >= 0, smoothing.isFinite else {
                throw LossError.invalidArgument("total-variation L1 smoothing must be finite and non-negative, got \(smoothing)")
            }
            return Float(l1(x, g, channels, height, width, weight, smoothing))
        }
    }

    /// ``evaluate(image:channels:height:width:norm:weight:gradient:)`` on a `[C, H, W]` tensor.
    public static func evaluate(image: Tensor, norm: Norm, weight: Float, gradient: inout [Float]) throws -> Float {
        guard image.shape.count == 3 else {
            throw LossError.invalidArgument("total variation needs a [channels, height, width] image, got shape \(image.shape)")
        }
        return try image.data.withUnsafeBufferPointer { x in
            try gradient.withUnsafeMutableBufferPointer { g in
                try evaluate(image: x, channels: image.shape[0], height: image.shape[1], width: image.shape[2],
                             norm: norm, weight: weight, gradient: g)
            }
        }
    }

    // Horizontal terms are written per element (g[j] += w (d_{j-1} - d_j)) so the row loop has no
    // loop-carried dependency; vertical terms update two rows elementwise.
    private static func l2(_ x: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                           _ c: Int, _ h: Int, _ w: Int, _ weight: Float) -> Double {
        var total = 0.0
        for plane in 0..<c {
            let base = plane * h * w
            for i in 0..<h {
                let row = x + base + i * w
                let grow = g + base + i * w
                if w > 1 {
                    var acc: Float = 0
                    for j in 0..<(w - 1) {
                        let d = row[j + 1] - row[j]
                        acc += d * d
                    }
                    total += Double(acc)
                    grow[0] -= weight * (row[1] - row[0])
                    for j in 1..<(w - 1) {
                        grow[j] += weight * ((row[j] - row[j - 1]) - (row[j + 1] - row[j]))
                    }
                    grow[w - 1] += weight * (row[w - 1] - row[w - 2])
                }
                if i + 1 < h {
                    let next = row + w
                    let gnext = grow + w
                    var acc: Float = 0
                    for j in 0..<w {
                        let d = next[j] - row[j]
                        acc += d * d
                        gnext[j] += weight * d
                        grow[j] -= weight * d
                    }
                    total += Double(acc)
                }
            }
        }
        return Double(weight) / 2 * total
    }

    private static func l1(_ x: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                           _ c: Int, _ h: Int, _ w: Int, _ weight: Float, _ eps: Float) -> Double {
        let eps2 = eps * eps
        @inline(__always) func phi(_ d: Float) -> Float { (d * d + eps2).squareRoot() - eps }
        @inline(__always) func dphi(_ d: Float) -> Float {
            let r = (d * d + eps2).squareRoot()
            return r > 0 ? d / r : 0
        }
        var total = 0.0
        for plane in 0..<c {
            let base = plane * h * w
            for i in 0..<h {
                let row = x + base + i * w
                let grow = g + base + i * w
                if w > 1 {
                    var acc: Float = 0
                    for j in 0..<(w - 1) { acc += phi(row[j + 1] - row[j]) }
                    total += Double(acc)
                    grow[0] -= weight * dphi(row[1] - row[0])
                    for j in 1..<(w - 1) {
                        grow[j] += weight * (dphi(row[j] - row[j - 1]) - dphi(row[j + 1] - row[j]))
                    }
                    grow[w - 1] += weight * dphi(row[w - 1] - row[w - 2])
                }
                if i + 1 < h {
                    let next = row + w
                    let gnext = grow + w
                    var acc: Float = 0
                    for j in 0..<w {
                        let d = next[j] - row[j]
                        acc += phi(d)
                        let s = weight * dphi(d)
                        gnext[j] += s
                        grow[j] -= s
                    }
                    total += Double(acc)
                }
            }
        }
        return Double(weight) * total
    }
}

/// Content loss of one layer: `weight · mean((F - P)²)` over the `N · M` values of a
/// `[N, H, W]` activation (`M = H · W`), where `F` is the current activation and `P` the
/// content image's activation at the same layer.
public enum ContentLoss {
    /// Returns the loss and **adds** `weight · 2 (F - P) / (N M)` into `gradient`.
    ///
    /// - Parameters:
    ///   - features: `F`, `[N, H, W]` channel-major.
    ///   - target: `P`, same size.
    ///   - weight: the term's weight, finite and at least 0.
    ///   - gradient: `dL/dF` accumulator, same size.
    public static func evaluate(features: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>,
                                weight: Float, gradient: UnsafeMutableBufferPointer<Float>) throws -> Float {
        let count = features.count
        guard count > 0 else { throw LossError.invalidArgument("content features are empty") }
        guard target.count == count else {
            throw LossError.sizeMismatch(what: "the content target", expected: count, actual: target.count)
        }
        guard gradient.count == count else {
            throw LossError.sizeMismatch(what: "the content gradient", expected: count, actual: gradient.count)
        }
        // All three buffers hold `count > 0` values here, so their base addresses exist; an
        // empty buffer is an error (thrown above), never a silent zero loss.
        guard let f = features.baseAddress, let p = target.baseAddress, let g = gradient.baseAddress else {
            throw LossError.invalidArgument("content features, target or gradient buffer has no storage")
        }
        let sum = VectorMath.squaredDistance(f, p, count: count)
        let scale = Float(2 * Double(weight) / Double(count))
        for i in 0..<count { g[i] += scale * (f[i] - p[i]) }
        return Float(Double(weight) * sum / Double(count))
    }

    /// ``evaluate(features:target:weight:gradient:)`` on tensors of equal shape.
    public static func evaluate(features: Tensor, target: Tensor, weight: Float, gradient: inout [Float]) throws -> Float {
        guard features.shape == target.shape else {
            throw LossError.invalidArgument("content target shape \(target.shape) differs from the features' \(features.shape)")
        }
        return try features.data.withUnsafeBufferPointer { f in
            try target.data.withUnsafeBufferPointer { p in
                try gradient.withUnsafeMutableBufferPointer { g in
                    try evaluate(features: f, target: p, weight: weight, gradient: g)
                }
            }
        }
    }
}

import Foundation

/// Adam (Kingma & Ba 2015) with bias correction and optional projection onto a box.
///
/// Per step `t` (1-based): `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`,
/// `x -= lr · (m / (1-β1ᵗ)) / (sqrt(v / (1-β2ᵗ)) + ε)`, then `x = clamp(x, lower, upper)` when
/// ``bounds`` is set. The moment buffers (`2 · n` floats) are allocated on the first step of a
/// problem; later steps allocate nothing.
public final class Adam: Optimizer {
    /// Step size, above 0.
    public let learningRate: Float
    /// Decay of the first moment (the gradient's mean), in `[0, 1)`; 0.9 by default.
    public let beta1: Float
    /// Decay of the second moment (the squared gradient's mean), in `[0, 1)`; 0.999 by default.
    public let beta2: Float
    /// Added to the denominator, above 0; 1e-8 by default.
    public let epsilon: Float
    /// Box constraints on every variable (pixels: 0…255), or `nil`.
    public let bounds: Bounds?

    private var firstMoment: [Float] = []
    private var secondMoment: [Float] = []
    /// Steps taken since the last reset.
    public private(set) var stepCount = 0

    /// An optimiser with these settings; the moments start at zero.
    ///
    /// - Parameters:
    ///   - learningRate: step size (`> 0`); for pixel images in 0…255 values around 1…10 are usual.
    ///   - beta1: first-moment decay, in `[0, 1)`.
    ///   - beta2: second-moment decay, in `[0, 1)`.
    ///   - epsilon: denominator offset, above 0.
    ///   - bounds: box constraints, `nil` for none; pixels by default (like ``LBFGS``).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a value outside these ranges.
    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                bounds: Bounds? = .pixelRange) throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw OptimizerError.invalidArgument("Adam learning rate must be positive, got \(learningRate)")
        }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw OptimizerError.invalidArgument("Adam betas must lie in [0, 1), got \(beta1) and \(beta2)")
        }
        guard epsilon > 0 else {
            throw OptimizerError.invalidArgument("Adam epsilon must be positive, got \(epsilon)")
        }
        if let b = bounds, !(b.lower <= b.upper) {
            throw OptimizerError.invalidArgument("bounds lower \(b.lower) exceeds upper \(b.upper)")
        }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.bounds = bounds
    }

    /// Zeroes the moments and the step count.
    public func reset() {
        stepCount = 0
        firstMoment.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        secondMoment.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// One Adam step from `gradient` (`value` is not used).
    ///
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when `gradient` does not match `x`.
    public func step(_ x: inout [Float], value: Float, gradient: [Float]) throws {
        let n = x.count
        guard gradient.count == n, n > 0 else {
            throw OptimizerError.invalidArgument("Adam got \(gradient.count) gradient values for \(n) variables")
        }
        if firstMoment.count != n {
            firstMoment = [Float](repeating: 0, count: n)
            secondMoment = [Float](repeating: 0, count: n)
            stepCount = 0
        }
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), t)
        let correction2 = 1 - pow(Double(beta2), t)
        // x -= lr / c1 * m / (sqrt(v) / sqrt(c2) + eps)
        let stepSize = Float(Double(learningRate) / correction1)
        let invSqrtC2 = Float(1 / correction2.squareRoot())
        let b1 = beta1, b2 = beta2, eps = epsilon
        let c1 = 1 - beta1, c2 = 1 - beta2
        let lo = bounds?.lower ?? -Float.infinity
        let hi = bounds?.upper ?? Float.infinity
        // All four buffers hold `n > 0` values (checked above), so the base addresses exist;
        // the guards run once per step, outside the loop.
        let noStorage = OptimizerError.invalidArgument("Adam got a variable, gradient or moment buffer without storage")
        try gradient.withUnsafeBufferPointer { gBuf in
            guard let g = gBuf.baseAddress else { throw noStorage }
            try firstMoment.withUnsafeMutableBufferPointer { mBuf in
                guard let m = mBuf.baseAddress else { throw noStorage }
                try secondMoment.withUnsafeMutableBufferPointer { vBuf in
                    guard let v = vBuf.baseAddress else { throw noStorage }
                    try x.withUnsafeMutableBufferPointer { xBuf in
                        guard let xp = xBuf.baseAddress else { throw noStorage }
                        for i in 0..<n {
                            let gi = g[i]
                            let mi = b1 * m[i] + c1 * gi
                            let vi = b2 * v[i] + c2 * gi * gi
                            m[i] = mi
                            v[i] = vi
                            let updated = xp[i] - stepSize * mi / (vi.squareRoot() * invSqrtC2 + eps)
                            xp[i] = Swift.min(Swift.max(updated, lo), hi)
                        }
                    }
                }
            }
        }
    }
}


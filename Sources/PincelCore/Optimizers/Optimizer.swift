/// Elementwise box constraints `lower ≤ x[i] ≤ upper`, the same scalars for every variable.
public struct Bounds: Sendable, Equatable {
    /// The smallest value a variable may take.
    public var lower: Float
    /// The largest value a variable may take (at least ``lower``; the optimisers refuse others).
    public var upper: Float

    /// The box `lower…upper`.
    public init(lower: Float, upper: Float) {
        self.lower = lower
        self.upper = upper
    }

    /// Pixel values of a `[3, H, W]` image: `0…255`.
    public static let pixelRange = Bounds(lower: 0, upper: 255)
}

/// Problems reported by the optimisers.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    /// The objective returned NaN or ±infinity.
    case nonFiniteValue(evaluation: Int, value: Float)
    /// An argument is out of range.
    case invalidArgument(String)

    /// The error in one line.
    public var description: String {
        switch self {
        case let .nonFiniteValue(evaluation, value):
            return "optimizer: the objective returned \(value) at evaluation \(evaluation); lower the learning rate or the loss weights"
        case let .invalidArgument(message):
            return "optimizer: \(message)"
        }
    }
}

/// Optional early-stop criteria for ``Optimizer/minimize(x:evaluations:tolerance:objective:onEvaluation:)``.
/// Both are off (zero) by default; a criterion fires when its measured quantity is `≤` its threshold.
public struct ConvergenceTolerance: Sendable, Equatable {
    /// Largest absolute component of the projected gradient (components of variables held
    /// at a bound by an outward-pointing gradient count as zero).
    public var projectedGradient: Float
    /// `|f_k - f_{k-1}| / max(|f_k|, |f_{k-1}|, 1)` between consecutive evaluations.
    public var relativeValueChange: Float
    /// `(b_{k-w} - b_k) / max(|b_k|, 1)` where `b_k` is the lowest value in the first `k`
    /// evaluations and `w` is ``window``: the relative progress over the last `w` evaluations.
    /// Rejected trial steps do not reset it (they do not change `b`).
    public var windowedDecrease: Float
    /// The window of ``windowedDecrease``, in evaluations (at least 1).
    public var window: Int

    /// Criteria with the given thresholds (0 turns one off); `window` below 1 becomes 1.
    public init(projectedGradient: Float = 0, relativeValueChange: Float = 0, windowedDecrease: Float = 0,
                window: Int = 20) {
        self.projectedGradient = projectedGradient
        self.relativeValueChange = relativeValueChange
        self.windowedDecrease = windowedDecrease
        self.window = max(1, window)
    }
}

/// How a run of ``Optimizer/minimize(x:evaluations:tolerance:objective:onEvaluation:)`` ended.
public struct OptimizationResult: Sendable, Equatable {
    /// Why the minimisation ended.
    public enum StopReason: Sendable, Equatable {
        /// All requested evaluations were done.
        case evaluationBudget
        /// `onEvaluation` returned `false` (for example after Ctrl-C).
        case stoppedByCaller
        /// A ``ConvergenceTolerance`` criterion fired.
        case converged
    }

    /// Objective evaluations performed.
    public var evaluations: Int
    /// The objective value at the returned `x`.
    public var finalValue: Float
    /// Why the minimisation ended.
    public var stopReason: StopReason
    /// The returned `x` is an earlier evaluation than the last one, because the last was worse
    /// (for example a rejected L-BFGS trial step); an objective that keeps per-evaluation state
    /// holds the last evaluation's, not this point's.
    public var returnedEarlierPoint = false
}

/// A first-order minimiser over a flat `[Float]` vector.
///
/// Optimisers keep state between ``step(_:value:gradient:)`` calls (history, moments);
/// call ``reset()`` before starting an unrelated problem. A problem of a different size
/// resets automatically.
public protocol Optimizer: AnyObject {
    /// Box constraints applied to every step, or `nil` for an unconstrained problem.
    var bounds: Bounds? { get }
    /// Forget all state.
    func reset()
    /// Move `x` given the objective `value` and `gradient` evaluated at `x`
    /// (`gradient.count == x.count`). The new `x` lies inside ``bounds``.
    func step(_ x: inout [Float], value: Float, gradient: [Float]) throws
    /// Whether the next ``step(_:value:gradient:)`` with this objective value will reject the
    /// current point as a failed trial step (and move back towards the point it came from)
    /// rather than step on from it. Ask before calling `step`; `false` for optimisers that
    /// never reject (Adam).
    func rejectsTrial(value: Float) -> Bool
}

extension Optimizer {
    /// `false`: an optimiser that never rejects a trial step.
    public func rejectsTrial(value: Float) -> Bool { false }
}

extension Optimizer {
    /// Minimise `objective` starting from `x`, using at most `evaluations` objective evaluations.
    ///
    /// Each iteration evaluates the objective once and then takes one step, so `evaluations`
    /// counts iterations too; no step is taken after the last evaluation. On return `x` is the
    /// evaluated point with the lowest objective (the last one unless a later evaluation was worse;
    /// see ``OptimizationResult/returnedEarlierPoint``) and `finalValue` its value. With ``bounds``
    /// set, `x` is first projected onto the box.
    ///
    /// - Parameters:
    ///   - x: the starting point; on return the best evaluated point.
    ///   - evaluations: the most objective evaluations, at least 1.
    ///   - tolerance: early-stop criteria (off by default).
    ///   - objective: receives the current point and a caller-owned gradient buffer of
    ///     `x.count` values that is **zeroed before each call**; it adds (or writes) the gradient
    ///     there and returns the value. The buffer is reused, so evaluations allocate nothing here.
    ///   - onEvaluation: called after each evaluation with its 1-based number, its value and the
    ///     evaluated point (e.g. to save intermediate images; the closure cannot capture the
    ///     caller's `x` while it is passed `inout`); return `false` to stop (for example on Ctrl-C).
    /// - Returns: how the minimisation ended, with the evaluations done and the final value.
    /// - Throws: ``OptimizerError/nonFiniteValue(evaluation:value:)`` (with `x` the best finite
    ///   point), ``OptimizerError/invalidArgument(_:)``, or what `objective` throws.
    @discardableResult
    public func minimize(
        x: inout [Float],
        evaluations: Int,
        tolerance: ConvergenceTolerance = ConvergenceTolerance(),
        objective: (_ x: [Float], _ gradient: inout [Float]) throws -> Float,
        onEvaluation: (_ evaluation: Int, _ value: Float, _ x: [Float]) -> Bool = { _, _, _ in true }
    ) throws -> OptimizationResult {
        guard evaluations >= 1 else {
            throw OptimizerError.invalidArgument("evaluations must be at least 1, got \(evaluations)")
        }
        guard !x.isEmpty else {
            throw OptimizerError.invalidArgument("there are no variables to optimise (x is empty)")
        }
        if let b = bounds {
            let n = x.count
            // `x` is non-empty (checked above), so its base address exists.
            try x.withUnsafeMutableBufferPointer { buf in
                guard let p = buf.baseAddress else {
                    throw OptimizerError.invalidArgument("there are no variables to optimise (x has no storage)")
                }
                VectorMath.clamp(p, lower: b.lower, upper: b.upper, count: n)
            }
        }
        var gradient = [Float](repeating: 0, count: x.count)
        var previous: Float? = nil
        var value: Float = 0
        var best = x            // the lowest evaluated point so far (copied into, never reallocated)
        var bestValue = Float.infinity
        // bestValues[k % (window + 1)]: the lowest value in the first k evaluations.
        let window = tolerance.window
        var bestValues = [Float](repeating: .infinity, count: tolerance.windowedDecrease > 0 ? window + 1 : 0)
        func copyBest() {
            best.withUnsafeMutableBufferPointer { b in
                x.withUnsafeBufferPointer { src in
                    if let d = b.baseAddress, let s = src.baseAddress { d.update(from: s, count: src.count) }
                }
            }
        }
        func finish(_ k: Int, _ reason: OptimizationResult.StopReason) -> OptimizationResult {
            guard bestValue < value else {
                return OptimizationResult(evaluations: k, finalValue: value, stopReason: reason)
            }
            x = best
            return OptimizationResult(evaluations: k, finalValue: bestValue, stopReason: reason, returnedEarlierPoint: true)
        }
        for k in 1...evaluations {
            gradient.withUnsafeMutableBufferPointer { g in
                g.update(repeating: 0)
            }
            value = try objective(x, &gradient)
            guard value.isFinite else {
                if bestValue.isFinite { x = best }  // hand back the best finite point
                throw OptimizerError.nonFiniteValue(evaluation: k, value: value)
            }
            guard gradient.count == x.count else {
                throw OptimizerError.invalidArgument("the objective resized the gradient to \(gradient.count) values; it must keep \(x.count)")
            }
            if !onEvaluation(k, value, x) { return finish(k, .stoppedByCaller) }
            if tolerance.projectedGradient > 0,
               projectedGradientMaxAbs(x, gradient, bounds) <= Double(tolerance.projectedGradient) {
                return finish(k, .converged)
            }
            if tolerance.relativeValueChange > 0, let p = previous {
                let change = abs(Double(value) - Double(p)) / max(abs(Double(value)), abs(Double(p)), 1)
                if change <= Double(tolerance.relativeValueChange) { return finish(k, .converged) }
            }
            previous = value
            if value <= bestValue {
                bestValue = value
                copyBest()
            }
            if tolerance.windowedDecrease > 0 {
                bestValues[k % (window + 1)] = bestValue
                if k > window {
                    let earlier = Double(bestValues[(k - window) % (window + 1)])
                    let decrease = (earlier - Double(bestValue)) / max(abs(Double(bestValue)), 1)
                    if decrease <= Double(tolerance.windowedDecrease) { return finish(k, .converged) }
                }
            }
            if k == evaluations { break }
            try step(&x, value: value, gradient: gradient)
        }
        return finish(evaluations, .evaluationBudget)
    }
}

/// Whether variable `x` with gradient `g` is held at a bound: it sits on (or past) a bound and
/// the descent direction `-g` points out of the box.
@inline(__always)
func isHeldAtBound(_ x: Float, _ g: Float, _ lower: Float, _ upper: Float) -> Bool {
    (x <= lower && g > 0) || (x >= upper && g < 0)
}

/// `max |g_i|` over the variables not held at a bound.
func projectedGradientMaxAbs(_ x: [Float], _ g: [Float], _ bounds: Bounds?) -> Double {
    var m: Float = 0
    if let b = bounds {
        for i in 0..<x.count where !isHeldAtBound(x[i], g[i], b.lower, b.upper) { m = max(m, abs(g[i])) }
    } else {
        for v in g { m = max(m, abs(v)) }
    }
    return Double(m)
}

/// Limited-memory BFGS with a unit step, in the style of the classic style-transfer
/// implementations (`torch.optim.LBFGS(lr: 1)`), made monotone by a cheap backtracking safeguard
/// and optionally box-constrained by projection.
///
/// **Direction.** With stored curvature pairs `(s, y)` (`s = x_{k+1} - x_k`,
/// `y = g_{k+1} - g_k`, the last `historySize` that passed the curvature test) the direction is
/// `d = -H g` from the two-loop recursion with `H0 = γ M`, `γ = s·y / y·M y` of the newest pair
/// (`M` the ``preconditioner``, the identity without one), and the trial step length is
/// `learningRate`. With no pairs the direction is `-M g` and the step is `learningRate · γ` if a
/// curvature scale is known (from an earlier pair, or `initialInverseCurvature`). Otherwise it is
/// a *blind* step whose length is set by the change of the largest component:
/// `learningRate · firstChange` (8 pixel levels for images) for the first, and ``maxStepGrowth`` (4) times the last accepted
/// change for each further one. A blind step follows a step that gave no usable pair, i.e. the
/// objective was flat or concave along it (`y·s ≤ 0`), and then a longer step is what the
/// objective asks for: this is the extrapolation phase of a line search, done one evaluation at
/// a time, with the backtracking below as its other half.
///
/// **Step limit.** No trial changes the largest component by more than ``maxStepGrowth`` times
/// the last accepted step did, nor by more than the width of the box. The first pairs from noise
/// average curvature over a stretch that is concave, then convex, so their `γ` can be far too
/// large: at 192 px the first quasi-Newton step moved a pixel by 5070 levels and needed three
/// rejected trials (the objective 50x its start) before one was accepted.
/// (torch's first step `min(1, 1/|g|₁)` is not used: at 192 px it moved a pixel by 0.0007 levels,
/// the measured `y·s` of such a step is float rounding, and from low-contrast noise — where
/// the style loss is concave along the preconditioned direction — every pair is rejected, so
/// the run crawled for hundreds of evaluations.)
/// If `d` is not a descent direction (`g·d ≥ 0`) the history is cleared (a restart).
///
/// **Safeguard.** Each step is a trial: the next call sees its objective value. If the value
/// rose above the value at the point the step started from, the trial is rejected and the
/// step length along the same direction is cut to the minimiser of the quadratic through
/// `f(0)`, `f'(0) = g·d` and `f(t)`, kept within `[0.1 t, 0.5 t]`; no pair is stored from a
/// rejected trial. After `maxBacktracks` rejections in a row the last trial is accepted and the
/// history cleared. So a bad quasi-Newton step costs one or two evaluations instead of a
/// divergence, and the accepted values never increase (except after a forced acceptance).
///
/// **Bounds** (in the spirit of L-BFGS-B, without its Cauchy point and subspace minimisation;
/// a projected quasi-Newton step):
/// 1. Variables on a bound whose gradient points out of the box (`x ≤ lower, g > 0` or
///    `x ≥ upper, g < 0`) are *held*.
/// 2. The direction is the full two-loop `-H g` with the held components set to zero. If that
///    is not a descent direction the history is cleared and the direction is the projected `-g`.
///    (Masking `g` *before* the recursion, i.e. running it on the free subspace only, was tried
///    and measured far worse: with pairs whose curvature lies partly in held pixels the implied
///    subspace Hessian is badly scaled, and 512 px transfers oscillated between 6e7 and 9e9.)
/// 3. A trial point is the projection `clamp(x + t d, lower, upper)`; the stored `s` is the
///    actual projected step, so each pair is an exact secant pair of the points where the
///    gradient was evaluated.
///
/// Memory: `2 · historySize · n` floats of history, one spare pair (`2 · n`) and `4 · n` of
/// working vectors, one more with a preconditioner (n = 3·512·512 and the default history of
/// 100: about 0.6 GiB). Pairs whose `y·s ≤ 1e-10 · y·M y` are not stored (scale-free, as in L-BFGS-B). History buffers are allocated while the
/// history fills; once full, the oldest pair's buffers are reused and a step allocates nothing.
public final class LBFGS: Optimizer {
    /// Curvature pairs kept (`m`), at least 1.
    public let historySize: Int
    /// Trial step length, above 0 (1 for the classic unit step).
    public let learningRate: Float
    /// Box constraints on every variable (pixels: 0…255), or `nil`.
    public let bounds: Bounds?
    /// The inverse-curvature scale used for the very first step instead of `min(1, 1/|g|₁)`;
    /// for example the previous scale's ``inverseCurvature`` when a coarse-to-fine run moves
    /// to the next size. `nil` for the conservative torch first step.
    public let initialInverseCurvature: Double?
    /// The shape `M` of the initial inverse Hessian (`H0 = γ M`), `nil` for the identity.
    public let preconditioner: Preconditioner?
    /// Consecutive rejected trials after which a trial is accepted anyway and the history cleared.
    public let maxBacktracks = 8

    private struct Pair {
        let s: FloatBuffer
        let y: FloatBuffer
        let rho: Double
    }

    // Accepted pairs, oldest first.
    private var history: [Pair] = []
    private var alpha: [Double] = []
    /// `s·y / y·y` of the newest accepted pair (kept across restarts), or the initial hint.
    public private(set) var inverseCurvature: Double?

    // Working vectors, sized n once per problem size.
    private var size = 0
    private var anchor = FloatBuffer(count: 0)           // point the current direction starts from
    private var anchorGradient = FloatBuffer(count: 0)   // gradient there
    private var direction = FloatBuffer(count: 0)
    private var mask = FloatBuffer(count: 0)             // 1 free, 0 held at a bound
    private var work = FloatBuffer(count: 0)             // M y (with a preconditioner)
    private var spare: (s: FloatBuffer, y: FloatBuffer)? // recycled pair buffers
    private var anchorValue: Float = 0
    private var slope = 0.0          // g·d at the anchor
    private var stepLength: Float = 0
    private var backtracks = 0
    private var hasPendingStep = false
    /// Change of the largest component in the last accepted step (`nil` before the first).
    private var lastChange: Float?
    /// `|d|∞` of the pending trial's direction.
    private var pendingDirectionMax: Float = 0
    /// The first blind step changes the largest component by `learningRate` times this (8 pixel
    /// levels for images, half the spread of the noise start; measured on 128 px transfers from
    /// three seeds: 10 evaluations reach 0.10–0.12 of the start value with max pooling against
    /// 0.18–0.20 for a first change of 1 and 0.14–0.17 for 4).
    public let firstChange: Float = 8
    /// A trial may change the largest component by at most this factor times the last accepted
    /// step's change; blind steps take exactly that.
    public let maxStepGrowth: Float = 4

    /// Accepted pairs currently held (for tests and diagnostics).
    public var storedPairs: Int { history.count }
    /// Times the history was cleared (non-descent direction or too many rejections).
    public private(set) var restarts = 0
    /// Trial steps rejected because the objective rose.
    public private(set) var rejectedSteps = 0

    /// An optimiser with an empty history.
    ///
    /// - Parameters:
    ///   - historySize: curvature pairs kept (`m`), at least 1.
    ///   - learningRate: trial step length (`> 0`).
    ///   - bounds: box constraints, `nil` for none; pixels by default.
    ///   - initialInverseCurvature: see ``initialInverseCurvature``; positive and finite if given.
    ///   - preconditioner: see ``preconditioner``; it fixes the number of variables.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a value outside these ranges.
    public init(historySize: Int = 100, learningRate: Float = 1, bounds: Bounds? = .pixelRange,
                initialInverseCurvature: Double? = nil, preconditioner: Preconditioner? = nil) throws {
        guard historySize >= 1 else {
            throw OptimizerError.invalidArgument("L-BFGS history size must be at least 1, got \(historySize)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw OptimizerError.invalidArgument("L-BFGS learning rate must be positive, got \(learningRate)")
        }
        if let b = bounds, !(b.lower <= b.upper) {
            throw OptimizerError.invalidArgument("bounds lower \(b.lower) exceeds upper \(b.upper)")
        }
        if let h = initialInverseCurvature, !(h > 0 && h.isFinite) {
            throw OptimizerError.invalidArgument("L-BFGS initial inverse curvature must be positive, got \(h)")
        }
        self.historySize = historySize
        self.learningRate = learningRate
        self.bounds = bounds
        self.initialInverseCurvature = initialInverseCurvature
        self.inverseCurvature = initialInverseCurvature
        self.preconditioner = preconditioner
    }

    /// Forgets the history, the pending trial and the curvature scale (back to
    /// ``initialInverseCurvature``).
    public func reset() {
        clearHistory()
        inverseCurvature = initialInverseCurvature
        hasPendingStep = false
        lastChange = nil
        pendingDirectionMax = 0
        backtracks = 0
        restarts = 0
        rejectedSteps = 0
    }

    private func clearHistory() {
        if spare == nil, let oldest = history.first { spare = (oldest.s, oldest.y) }
        history.removeAll(keepingCapacity: true)
    }

    private func prepare(_ n: Int) {
        guard n != size else { return }
        history = []
        spare = nil
        reset()
        history.reserveCapacity(historySize)
        alpha = [Double](repeating: 0, count: historySize)
        size = n
        anchor = FloatBuffer(count: n)
        anchorGradient = FloatBuffer(count: n)
        direction = FloatBuffer(count: n)
        mask = FloatBuffer(count: n)
        work = FloatBuffer(count: preconditioner == nil ? 0 : n)
    }

    /// Accepts or rejects the pending trial by `value`, then moves `x` to the next trial point
    /// (see the type's documentation).
    ///
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when `gradient` or the preconditioner
    ///   does not match `x`'s size.
    public func step(_ x: inout [Float], value: Float, gradient: [Float]) throws {
        let n = x.count
        guard gradient.count == n, n > 0 else {
            throw OptimizerError.invalidArgument("L-BFGS got \(gradient.count) gradient values for \(n) variables")
        }
        if let p = preconditioner, p.count != n {
            throw OptimizerError.invalidArgument("L-BFGS preconditioner is for \(p.count) variables, got \(n)")
        }
        prepare(n)
        try gradient.withUnsafeBufferPointer { gBuf in
            try x.withUnsafeMutableBufferPointer { xBuf in
                // Both hold n > 0 values (checked above), so their storage exists.
                guard let g = gBuf.baseAddress, let xp = xBuf.baseAddress else {
                    throw OptimizerError.invalidArgument("L-BFGS got a variable or gradient buffer without storage")
                }
                step(xp, value, g, n)
            }
        }
    }

    private func step(_ x: UnsafeMutablePointer<Float>, _ value: Float, _ g: UnsafePointer<Float>, _ n: Int) {
        if hasPendingStep {
            if !(value <= anchorValue), backtracks < maxBacktracks {
                backtrack(x, rejected: value, n)
                return
            }
            if !(value <= anchorValue) {
                // Still worse after maxBacktracks cuts: accept, and forget the history that led here.
                clearHistory()
                restarts += 1
            } else {
                storePair(x, g, n)
            }
            let change = stepLength * pendingDirectionMax
            if change > 0, change.isFinite { lastChange = change }
            hasPendingStep = false
        }
        let (free, gradientL1, directionMax) = computeDirection(x, g, n)
        guard free, gradientL1 > 0, directionMax > 0 else { return }  // projected gradient zero: stationary
        // The longest trial: `maxStepGrowth` times the last accepted change, and never more than
        // the width of the box.
        var limit = lastChange.map { maxStepGrowth * $0 } ?? Float.infinity
        if let b = bounds, b.upper > b.lower { limit = Swift.min(limit, b.upper - b.lower) }
        var t: Float
        if !history.isEmpty {
            t = learningRate
        } else if let h = inverseCurvature {
            t = learningRate * Float(h)
        } else {
            // Blind: no curvature known yet.
            t = (lastChange == nil ? learningRate * firstChange : limit) / directionMax
        }
        t = Swift.min(t, limit / directionMax)
        pendingDirectionMax = directionMax
        anchor.pointer.update(from: x, count: n)
        anchorGradient.pointer.update(from: g, count: n)
        anchorValue = value
        slope = VectorMath.dot(g, direction.pointer, count: n)
        backtracks = 0
        moveFromAnchor(x, t, n)
        hasPendingStep = true
    }

    /// Whether `value` is above the value at the pending trial's starting point (the next
    /// ``step(_:value:gradient:)`` will then reject the trial and backtrack).
    public func rejectsTrial(value: Float) -> Bool {
        hasPendingStep && !(value <= anchorValue) && backtracks < maxBacktracks
    }

    /// Rejects the trial at `x` (objective `rejected`) and tries a shorter step along the same direction.
    private func backtrack(_ x: UnsafeMutablePointer<Float>, rejected: Float, _ n: Int) {
        rejectedSteps += 1
        backtracks += 1
        let t = Double(stepLength)
        let rise = Double(rejected) - Double(anchorValue) - slope * t
        var cut = 0.5
        if rise > 0, rise.isFinite { cut = -slope * t / (2 * rise) }  // (minimiser of the quadratic) / t
        cut = min(max(cut, 0.1), 0.5)
        moveFromAnchor(x, Float(cut * t), n)
    }

    /// `x = clamp(anchor + t d)`.
    private func moveFromAnchor(_ x: UnsafeMutablePointer<Float>, _ t: Float, _ n: Int) {
        stepLength = t
        let a = anchor.pointer, d = direction.pointer
        let lo = bounds?.lower ?? -Float.infinity
        let hi = bounds?.upper ?? Float.infinity
        for i in 0..<n { x[i] = Swift.min(Swift.max(a[i] + t * d[i], lo), hi) }
    }

    /// Stores `s = x - anchor`, `y = g - anchorGradient` if `y·s` shows positive curvature;
    /// returns whether it did.
    @discardableResult
    private func storePair(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int) -> Bool {
        let buffers = spare ?? (FloatBuffer(count: n), FloatBuffer(count: n))
        let s = buffers.s.pointer, y = buffers.y.pointer
        let a = anchor.pointer, ga = anchorGradient.pointer
        for i in 0..<n {
            s[i] = x[i] - a[i]
            y[i] = g[i] - ga[i]
        }
        let ys = VectorMath.dot(y, s, count: n)
        let yy: Double
        if let p = preconditioner {
            work.pointer.update(from: y, count: n)
            p.apply(work.pointer)
            yy = VectorMath.dot(y, work.pointer, count: n)
        } else {
            yy = VectorMath.dot(y, y, count: n)
        }
        // Scale-free test (as in L-BFGS-B): the implied γ = s·y / y·My must be clearly positive.
        guard ys > 1e-10 * yy, yy > 0, ys.isFinite, yy.isFinite else {
            spare = buffers
            return false
        }
        spare = nil
        if history.count == historySize {
            let oldest = history.removeFirst()
            spare = (oldest.s, oldest.y)
        }
        history.append(Pair(s: buffers.s, y: buffers.y, rho: 1 / ys))
        inverseCurvature = ys / yy
        return true
    }

    /// Fills `direction` and the free-variable mask; returns whether any variable is free,
    /// `|projected g|₁` and `|d|∞`. Clears the history if the quasi-Newton direction is
    /// not a descent direction.
    private func computeDirection(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int) -> (Bool, Double, Float) {
        let m = mask.pointer, d = direction.pointer
        if let b = bounds {
            let lo = b.lower, hi = b.upper
            for i in 0..<n { m[i] = isHeldAtBound(x[i], g[i], lo, hi) ? 0 : 1 }
        } else {
            m.update(repeating: 1, count: n)
        }
        for i in 0..<n { d[i] = -g[i] * m[i] }
        let gradientL1 = VectorMath.sumAbs(d, count: n)
        guard gradientL1 > 0 else { return (false, 0, 0) }
        if !history.isEmpty || preconditioner != nil {
            // The full quasi-Newton direction -H g (-M g without pairs), then the held components zeroed.
            for i in 0..<n { d[i] = -g[i] }
            if history.isEmpty { preconditioner?.apply(d) } else { twoLoop(d, n) }
            for i in 0..<n { d[i] *= m[i] }
            if !(VectorMath.dot(g, d, count: n) < 0) {
                for i in 0..<n { d[i] = -g[i] * m[i] }
                clearHistory()
                restarts += 1
            }
        }
        var directionMax: Float = 0
        for i in 0..<n { directionMax = Swift.max(directionMax, Swift.abs(d[i])) }
        return (true, gradientL1, directionMax)
    }

    /// Two-loop recursion: on entry `d` holds `-g`, on exit `-H g`.
    ///
    /// Each update of `d` is fused with the dot product the next step needs (`d -= a_j y_j`
    /// with `s_{j-1}·d`, `d += c_j s_j` with `y_{j+1}·d`): one pass per pair and loop instead of
    /// two, and long passes use two threads. At 512 px with 100 pairs the recursion reads the
    /// 600 MB history twice per iteration, so its speed is memory bandwidth.
    private func twoLoop(_ d: UnsafeMutablePointer<Float>, _ n: Int) {
        let k = history.count
        guard k > 0 else { return }
        var dot = VectorMath.dot(history[k - 1].s.pointer, d, count: n)
        for j in stride(from: k - 1, through: 0, by: -1) {
            let a = history[j].rho * dot
            alpha[j] = a
            dot = VectorMath.axpyThenDot(Float(-a), history[j].y.pointer, d,
                                         dotWith: j > 0 ? UnsafePointer(history[j - 1].s.pointer) : nil, count: n)
        }
        preconditioner?.apply(d)
        VectorMath.scale(Float(inverseCurvature ?? 1), d, count: n)
        dot = VectorMath.dot(history[0].y.pointer, d, count: n)
        for j in 0..<k {
            let beta = history[j].rho * dot
            dot = VectorMath.axpyThenDot(Float(alpha[j] - beta), history[j].s.pointer, d,
                                         dotWith: j + 1 < k ? UnsafePointer(history[j + 1].y.pointer) : nil, count: n)
        }
    }
}

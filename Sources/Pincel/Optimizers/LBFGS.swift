/// Limited-memory BFGS with a fixed step, as used by the classic style-transfer
/// implementations (`torch.optim.LBFGS(lr: 1)` without line search), with optional box
/// constraints handled by projection.
///
/// **Unconstrained iteration.** The first step is `-g` scaled by
/// `learningRate * min(1, 1 / |g|₁)`. Later steps use the two-loop recursion over the last
/// `historySize` curvature pairs `(s, y)` (`s = x_{k+1} - x_k`, `y = g_{k+1} - g_k`) with the
/// initial inverse Hessian `H0 = (s·y / y·y) · I` from the newest accepted pair, and step length
/// `learningRate`. A pair with `y·s ≤ 1e-10` is skipped. If the direction is not a descent
/// direction (`g·d ≥ 0`) the history is cleared (restart) and the step is the scaled steepest
/// descent step again; the same scaling applies whenever the history is empty.
///
/// **Bounds** (in the spirit of L-BFGS-B, without its Cauchy point and subspace minimisation):
/// 1. Variables on a bound whose gradient points out of the box (`x ≤ lower, g > 0` or
///    `x ≥ upper, g < 0`) are *held*: their direction component is zero.
/// 2. The two-loop recursion runs on the free variables only: `q` starts as the masked `-g`
///    and every `q -= α y` / `d += (α - β) s` update is masked, so all dot products see only free
///    components. `ρ = 1 / (s·y)` and `H0` use the full stored pairs; with `ρ > 0` every
///    update keeps the implied inverse Hessian positive semi-definite on the free subspace, so
///    `d` is a descent direction for the free variables (else the restart above applies).
/// 3. The new point is the projection `clamp(x + t d, lower, upper)`; the stored `s` is the
///    actual projected step, so `(s, y)` stays consistent with the points where the gradient was
///    evaluated (pairs failing the curvature test are skipped as above).
///
/// Memory: `2 · historySize · n` floats of history plus `4 · n` of scratch
/// (n = 3·512·512 and the default history of 100: about 0.6 GiB). History buffers are allocated
/// while the history fills; once full, the oldest pair's buffers are reused and a step allocates
/// nothing.
public final class LBFGS: Optimizer {
    public let historySize: Int
    public let learningRate: Float
    public let bounds: Bounds?
    /// Pairs with `y·s` at or below this are not stored.
    public let curvatureThreshold: Double = 1e-10

    // Accepted pairs, oldest first.
    private var sHistory: [[Float]] = []
    private var yHistory: [[Float]] = []
    private var rho: [Double] = []
    private var alpha: [Double] = []
    private var hDiagonal: Double = 1

    // Scratch, sized n once.
    private var size = 0
    private var pendingS: [Float] = []     // last step taken, waiting for its y
    private var scratchY: [Float] = []
    private var previousGradient: [Float] = []
    private var direction: [Float] = []
    private var mask: [Float] = []         // 1 free, 0 held at a bound
    private var hasPendingStep = false

    /// Accepted pairs currently held (for tests and diagnostics).
    public var storedPairs: Int { sHistory.count }
    /// Times the history was cleared because the direction was not a descent direction.
    public private(set) var restarts = 0

    /// - Parameters:
    ///   - historySize: curvature pairs kept (`m`), at least 1.
    ///   - learningRate: fixed step length (`> 0`).
    ///   - bounds: box constraints, `nil` for none; pixels by default.
    public init(historySize: Int = 100, learningRate: Float = 1, bounds: Bounds? = .pixelRange) throws {
        guard historySize >= 1 else {
            throw OptimizerError.invalidArgument("L-BFGS history size must be at least 1, got \(historySize)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw OptimizerError.invalidArgument("L-BFGS learning rate must be positive, got \(learningRate)")
        }
        if let b = bounds, !(b.lower <= b.upper) {
            throw OptimizerError.invalidArgument("bounds lower \(b.lower) exceeds upper \(b.upper)")
        }
        self.historySize = historySize
        self.learningRate = learningRate
        self.bounds = bounds
    }

    public func reset() {
        sHistory.removeAll(keepingCapacity: true)
        yHistory.removeAll(keepingCapacity: true)
        rho.removeAll(keepingCapacity: true)
        hDiagonal = 1
        hasPendingStep = false
        restarts = 0
    }

    private func prepare(_ n: Int) {
        guard n != size else { return }
        reset()
        sHistory = []
        yHistory = []
        sHistory.reserveCapacity(historySize)
        yHistory.reserveCapacity(historySize)
        rho.reserveCapacity(historySize)
        alpha = [Double](repeating: 0, count: historySize)
        size = n
        pendingS = [Float](repeating: 0, count: n)
        scratchY = [Float](repeating: 0, count: n)
        previousGradient = [Float](repeating: 0, count: n)
        direction = [Float](repeating: 0, count: n)
        mask = [Float](repeating: 1, count: n)
    }

    private func clearHistory() {
        sHistory.removeAll(keepingCapacity: true)
        yHistory.removeAll(keepingCapacity: true)
        rho.removeAll(keepingCapacity: true)
        hDiagonal = 1
    }

    public func step(_ x: inout [Float], value: Float, gradient: [Float]) throws {
        let n = x.count
        guard gradient.count == n, n > 0 else {
            throw OptimizerError.invalidArgument("L-BFGS got \(gradient.count) gradient values for \(n) variables")
        }
        prepare(n)
        // From here on every buffer (x, gradient, history and scratch) holds `n > 0` values, so
        // each `baseAddress` below exists; the guards throw ``noStorage`` rather than trap and
        // run once per buffer per step, outside the loops.
        try gradient.withUnsafeBufferPointer { gBuf in
            guard let g = gBuf.baseAddress else { throw Self.noStorage }
            if hasPendingStep { try acceptPairIfCurved(g, n) }
            try computeDirectionAndStep(&x, g, n)
        }
    }

    /// Thrown if a buffer of a non-empty problem unexpectedly has no storage.
    private static var noStorage: OptimizerError { OptimizerError.invalidArgument("L-BFGS got a variable, gradient or history buffer without storage") }

    /// Forms `y = g - g_prev` for the pending step and stores `(s, y)` if `y·s` is large enough.
    private func acceptPairIfCurved(_ g: UnsafePointer<Float>, _ n: Int) throws {
        var ys = 0.0, yy = 0.0
        try scratchY.withUnsafeMutableBufferPointer { yBuf in
            guard let y = yBuf.baseAddress else { throw Self.noStorage }
            try previousGradient.withUnsafeBufferPointer { p in
                guard let gp = p.baseAddress else { throw Self.noStorage }
                for i in 0..<n { y[i] = g[i] - gp[i] }
            }
            ys = try pendingS.withUnsafeBufferPointer { s in
                guard let sp = s.baseAddress else { throw Self.noStorage }
                return VectorMath.dot(y, sp, count: n)
            }
            yy = VectorMath.dot(y, y, count: n)
        }
        hasPendingStep = false
        guard ys > curvatureThreshold, yy > 0 else { return }
        var recycledS: [Float]? = nil
        var recycledY: [Float]? = nil
        if sHistory.count == historySize {
            recycledS = sHistory.removeFirst()
            recycledY = yHistory.removeFirst()
            rho.removeFirst()
        }
        sHistory.append(pendingS)
        yHistory.append(scratchY)
        rho.append(1 / ys)
        hDiagonal = ys / yy
        pendingS = recycledS ?? [Float](repeating: 0, count: n)
        scratchY = recycledY ?? [Float](repeating: 0, count: n)
    }

    private func computeDirectionAndStep(_ x: inout [Float], _ g: UnsafePointer<Float>, _ n: Int) throws {
        let b = bounds
        // Free-variable mask and masked steepest descent.
        try x.withUnsafeBufferPointer { xBuf in
            guard let xp = xBuf.baseAddress else { throw Self.noStorage }
            try mask.withUnsafeMutableBufferPointer { mBuf in
                guard let m = mBuf.baseAddress else { throw Self.noStorage }
                if let b {
                    let lo = b.lower, hi = b.upper
                    for i in 0..<n { m[i] = isHeldAtBound(xp[i], g[i], lo, hi) ? 0 : 1 }
                } else {
                    for i in 0..<n { m[i] = 1 }
                }
            }
        }
        var useHistory = !sHistory.isEmpty
        var gtd = 0.0
        var pgL1 = 0.0
        try mask.withUnsafeBufferPointer { mBuf in
            guard let m = mBuf.baseAddress else { throw Self.noStorage }
            try direction.withUnsafeMutableBufferPointer { dBuf in
                guard let d = dBuf.baseAddress else { throw Self.noStorage }
                for i in 0..<n { d[i] = -g[i] * m[i] }
                pgL1 = VectorMath.sumAbs(d, count: n)
                if useHistory {
                    try twoLoop(d, m, n)
                    gtd = VectorMath.dot(g, d, count: n)
                    if !(gtd < 0) {
                        // Not a descent direction: restart from steepest descent.
                        for i in 0..<n { d[i] = -g[i] * m[i] }
                        useHistory = false
                    }
                }
            }
        }
        if !useHistory, !sHistory.isEmpty {
            clearHistory()
            restarts += 1
        }
        guard pgL1 > 0 else {
            // Projected gradient is zero: stationary point of the constrained problem.
            return
        }
        let t: Float = useHistory ? learningRate : learningRate * Float(min(1, 1 / pgL1))

        // New point = projection of x + t d; s = actual step.
        let lo = b?.lower ?? -Float.infinity
        let hi = b?.upper ?? Float.infinity
        try x.withUnsafeMutableBufferPointer { xBuf in
            guard let xp = xBuf.baseAddress else { throw Self.noStorage }
            try direction.withUnsafeBufferPointer { dBuf in
                guard let d = dBuf.baseAddress else { throw Self.noStorage }
                try pendingS.withUnsafeMutableBufferPointer { sBuf in
                    guard let s = sBuf.baseAddress else { throw Self.noStorage }
                    if b != nil {
                        for i in 0..<n {
                            let old = xp[i]
                            let new = Swift.min(Swift.max(old + t * d[i], lo), hi)
                            s[i] = new - old
                            xp[i] = new
                        }
                    } else {
                        for i in 0..<n {
                            let old = xp[i]
                            let new = old + t * d[i]
                            s[i] = new - old
                            xp[i] = new
                        }
                    }
                }
            }
        }
        try previousGradient.withUnsafeMutableBufferPointer { p in
            guard let gp = p.baseAddress else { throw Self.noStorage }
            gp.update(from: g, count: n)
        }
        hasPendingStep = true
    }

    /// Two-loop recursion on the free variables: on entry `d` holds the masked `-g`;
    /// on exit `d = -H g` restricted to the free variables.
    private func twoLoop(_ d: UnsafeMutablePointer<Float>, _ m: UnsafePointer<Float>, _ n: Int) throws {
        let k = sHistory.count
        try alpha.withUnsafeMutableBufferPointer { al in
            for j in stride(from: k - 1, through: 0, by: -1) {
                let a = try sHistory[j].withUnsafeBufferPointer { s in
                    guard let sp = s.baseAddress else { throw Self.noStorage }
                    return rho[j] * VectorMath.dot(sp, d, count: n)
                }
                al[j] = a
                try yHistory[j].withUnsafeBufferPointer { y in
                    guard let yp = y.baseAddress else { throw Self.noStorage }
                    VectorMath.maskedAxpy(Float(-a), yp, m, d, count: n)
                }
            }
            VectorMath.scale(Float(hDiagonal), d, count: n)
            for j in 0..<k {
                let beta = try yHistory[j].withUnsafeBufferPointer { y in
                    guard let yp = y.baseAddress else { throw Self.noStorage }
                    return rho[j] * VectorMath.dot(yp, d, count: n)
                }
                try sHistory[j].withUnsafeBufferPointer { s in
                    guard let sp = s.baseAddress else { throw Self.noStorage }
                    VectorMath.maskedAxpy(Float(al[j] - beta), sp, m, d, count: n)
                }
            }
        }
    }
}

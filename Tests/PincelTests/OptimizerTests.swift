import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL


/// Chained Rosenbrock `Σ 100 (x_{i+1} - x_i²)² + (1 - x_i)²`, evaluated in Double; minimum 0 at (1, …, 1).
private func rosenbrock(_ x: [Float], _ g: inout [Float]) -> Float {
    var f = 0.0
    var grad = [Double](repeating: 0, count: x.count)
    for i in 0..<(x.count - 1) {
        let a = Double(x[i]), b = Double(x[i + 1])
        let t = b - a * a
        f += 100 * t * t + (1 - a) * (1 - a)
        grad[i] += -400 * t * a - 2 * (1 - a)
        grad[i + 1] += 200 * t
    }
    for i in 0..<x.count { g[i] = Float(grad[i]) }
    return Float(f)
}

/// `f = ½ (x - c)ᵀ Q (x - c)` with `Q = RᵀR + I` (SPD), evaluated in Double.
private struct Quadratic {
    let n: Int
    let q: [Double]      // n × n
    let center: [Double] // c: the unconstrained minimum

    init(n: Int, center: [Double], seed: UInt64) {
        var rng = TestRNG(state: seed)
        let r = (0..<(n * n)).map { _ in rng.uniform(-1, 1) / Double(n).squareRoot() }
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for k in 0..<n { s += r[k * n + i] * r[k * n + j] }
                q[i * n + j] = s + (i == j ? 1 : 0)
            }
        }
        self.n = n
        self.q = q
        self.center = center
    }

    func gradient(_ x: [Double]) -> [Double] {
        (0..<n).map { i in (0..<n).reduce(0.0) { $0 + q[i * n + $1] * (x[$1] - center[$1]) } }
    }

    func evaluate(_ x: [Float], _ g: inout [Float]) -> Float {
        let xd = x.map(Double.init)
        let gd = gradient(xd)
        var f = 0.0
        for i in 0..<n { f += 0.5 * (xd[i] - center[i]) * gd[i] }
        for i in 0..<n { g[i] = Float(gd[i]) }
        return Float(f)
    }
}

/// `x` lies in `[lower, upper]` componentwise.
private func inBox(_ x: [Float], _ b: Bounds) -> Bool { x.allSatisfy { $0 >= b.lower && $0 <= b.upper } }

// MARK: - L-BFGS

@Test(arguments: [2, 10])
func lbfgsRosenbrockReachesMinimum(dimension: Int) throws {
    // Classic fixed step (learning rate 1, default history 100, no bounds) from the standard
    // start (-1.2, 1, -1.2, 1, …): reaches (1, …, 1) to 1e-3 within 500 evaluations
    // (measured: about 60-180). Smaller fixed steps (0.5, 0.2) end in the 10-D function's
    // local minimum near x₁ = -1 instead, so the classic step is what is tested.
    let opt = try LBFGS(learningRate: 1, bounds: nil)
    var x = (0..<dimension).map { $0 % 2 == 0 ? Float(-1.2) : 1 }
    let result = try opt.minimize(x: &x, evaluations: 500, objective: rosenbrock)
    #expect(result.evaluations == 500)
    #expect(result.stopReason == .evaluationBudget)
    for v in x { #expect(abs(v - 1) < 1e-3) }
    #expect(result.finalValue < 1e-6)
    #expect(opt.storedPairs <= opt.historySize)
}

@Test func lbfgsConvexQuadraticReachesKnownMinimum() throws {
    var rng = TestRNG(state: 1)
    let n = 30
    let center = (0..<n).map { _ in rng.uniform(-5, 5) }
    let quad = Quadratic(n: n, center: center, seed: 2)
    let opt = try LBFGS(historySize: 10, bounds: nil)
    var x = [Float](repeating: 0, count: n)
    let result = try opt.minimize(x: &x, evaluations: 100) { x, g in quad.evaluate(x, &g) }
    for i in 0..<n { #expect(abs(Double(x[i]) - center[i]) < 1e-4) }
    #expect(result.finalValue < 1e-8)
}

@Test func lbfgsBoundedSeparableQuadraticStopsOnTheBound() throws {
    // f = Σ cᵢ (xᵢ - aᵢ)² with aᵢ in [-100, 355] and box [0, 255]: the constrained minimum is
    // clamp(a). Every evaluated point must lie in the box.
    var rng = TestRNG(state: 9)
    let n = 50
    let a = (0..<n).map { _ in rng.uniform(-100, 355) }
    let c = (0..<n).map { _ in rng.uniform(0.1, 10) }
    let opt = try LBFGS()   // default bounds: pixels 0…255
    #expect(opt.bounds == .pixelRange)
    var x = (0..<n).map { _ in Float(rng.uniform(-50, 300)) }   // start partly outside: projected first
    var outside = 0
    try opt.minimize(x: &x, evaluations: 200) { x, g in
        if !inBox(x, .pixelRange) { outside += 1 }
        var f = 0.0
        for i in 0..<n {
            let d = Double(x[i]) - a[i]
            f += c[i] * d * d
            g[i] = Float(2 * c[i] * d)
        }
        return Float(f)
    }
    #expect(outside == 0)
    #expect(inBox(x, .pixelRange))
    #expect(a.contains { $0 < 0 } && a.contains { $0 > 255 })
    for i in 0..<n { #expect(abs(Double(x[i]) - min(max(a[i], 0), 255)) < 1e-3) }
}

@Test func lbfgsBoundedCoupledQuadraticSatisfiesKKT() throws {
    // Coupled SPD quadratic whose unconstrained minimum lies well outside [0, 1]ⁿ. The constrained
    // minimiser is checked by the KKT conditions computed in Double: at a free variable the
    // gradient vanishes, at the lower bound it is ≥ 0, at the upper bound ≤ 0.
    var rng = TestRNG(state: 4)
    let n = 20
    let center = (0..<n).map { _ in rng.uniform(-3, 4) }
    let quad = Quadratic(n: n, center: center, seed: 5)
    let box = Bounds(lower: 0, upper: 1)
    let opt = try LBFGS(historySize: 10, bounds: box)
    var x = [Float](repeating: 0.5, count: n)
    var outside = 0
    try opt.minimize(x: &x, evaluations: 300) { x, g in
        if !inBox(x, box) { outside += 1 }
        return quad.evaluate(x, &g)
    }
    #expect(outside == 0)
    let g = quad.gradient(x.map(Double.init))
    var atBound = 0
    for i in 0..<n {
        if x[i] == box.lower {
            atBound += 1
            #expect(g[i] >= -1e-4)
        } else if x[i] == box.upper {
            atBound += 1
            #expect(g[i] <= 1e-4)
        } else {
            #expect(abs(g[i]) < 1e-4, "free variable \(i) at \(x[i]) has gradient \(g[i])")
        }
    }
    #expect(atBound > 0)
    #expect(atBound < n)
    // And it is lower than at the clamped unconstrained minimum, a feasible point.
    var scratch = [Float](repeating: 0, count: n)
    let clamped = center.map { Float(min(max($0, 0), 1)) }
    #expect(quad.evaluate(x, &scratch) <= quad.evaluate(clamped, &scratch))
}

@Test func lbfgsRejectsInvalidSettings() {
    #expect(throws: OptimizerError.self) { try LBFGS(historySize: 0) }
    #expect(throws: OptimizerError.self) { try LBFGS(learningRate: 0) }
    #expect(throws: OptimizerError.self) { try LBFGS(bounds: Bounds(lower: 1, upper: 0)) }
    #expect(throws: OptimizerError.self) { try LBFGS(initialInverseCurvature: 0) }
    #expect(throws: OptimizerError.self) { try LBFGS(initialInverseCurvature: .infinity) }
}

@Test func lbfgsRejectsARisingTrialAndInterpolatesAlongTheSameDirection() throws {
    // f = x² from 3 with learning rate 1.25: the first (blind) trial moves x by 1.25 · firstChange
    // = 10, to -7, where f = 49 > 9, so it is rejected. The quadratic through f(0) = 9,
    // f'(0) = g·d = -36 and f(10/6) = 49 has its minimum at t = 0.5, i.e. x = 3 - 0.5·6 = 0:
    // exact, since f is itself quadratic.
    let opt = try LBFGS(learningRate: 1.25, bounds: nil)
    var x: [Float] = [3]
    var seen: [Float] = []
    try opt.minimize(x: &x, evaluations: 3, objective: { x, g in
        g[0] = 2 * x[0]
        return x[0] * x[0]
    }, onEvaluation: { _, _, point in
        seen.append(point[0])
        return true
    })
    #expect(seen.count == 3)
    #expect(abs(seen[1] - -7) < 1e-5)
    #expect(abs(seen[2]) < 1e-5)
    #expect(opt.rejectedSteps == 1)
    #expect(opt.storedPairs == 0)   // no pair from the rejected trial
}

@Test func minimizeReturnsTheBestPointWhenTheLastTrialWasWorse() throws {
    // Same problem, stopped right after the rejected trial: x must be the start, not -7.
    let opt = try LBFGS(learningRate: 1.25, bounds: nil)
    var x: [Float] = [3]
    var last: Float = 0
    let result = try opt.minimize(x: &x, evaluations: 2) { x, g in
        g[0] = 2 * x[0]
        last = x[0] * x[0]
        return last
    }
    #expect(last == 49)
    #expect(x == [3])
    #expect(result.finalValue == 9)
    #expect(result.returnedEarlierPoint)
}

@Test func lbfgsValuesAtAcceptedPointsNeverRise() throws {
    // On 10-D Rosenbrock the unit step overshoots now and then; every trial that raises the value
    // is rejected, so the value at each accepted point (each new minimum) is ≤ the one before,
    // and each rejection is followed by a trial closer to the anchor.
    let opt = try LBFGS(bounds: nil)
    var x = (0..<10).map { $0 % 2 == 0 ? Float(-1.2) : 1 }
    var values: [Float] = []
    try opt.minimize(x: &x, evaluations: 300, objective: rosenbrock, onEvaluation: { _, v, _ in
        values.append(v)
        return true
    })
    var anchorValue = values[0]
    var rises = 0
    for v in values.dropFirst() {
        if v > anchorValue { rises += 1 } else { anchorValue = v }
    }
    #expect(rises == opt.rejectedSteps)
    #expect(opt.rejectedSteps > 0)   // the safeguard was exercised
    for v in x { #expect(abs(v - 1) < 1e-3) }
}

@Test func lbfgsInitialInverseCurvatureSetsTheFirstStep() throws {
    // f = |x|², g = 2x: with H0 = 0.5 the first step x - 0.5·g lands exactly on the minimum.
    let opt = try LBFGS(bounds: nil, initialInverseCurvature: 0.5)
    var x: [Float] = [3, -4]
    try opt.step(&x, value: 25, gradient: [6, -8])
    #expect(x == [0, 0])
    // reset() returns to the hint, not to a learned value.
    opt.reset()
    #expect(opt.inverseCurvature == 0.5)
}

@Test func lbfgsGrowsTheSteepestStepWhenNoCurvatureIsFound() throws {
    // f = |x₁| + |x₂| from (30, 40): g = (1, 1), so y = 0 and no pair is ever stored. The first
    // blind step moves the largest component by firstChange (8), the next by maxStepGrowth (4)
    // times that, instead of crawling by torch's -g·min(1, 1/|g|₁) = -0.5 g (as a bf16 run did,
    // sitting at its start).
    let opt = try LBFGS(bounds: nil)
    var x: [Float] = [30, 40]
    try opt.step(&x, value: x[0] + x[1], gradient: [1, 1])
    #expect(x == [22, 32])
    try opt.step(&x, value: x[0] + x[1], gradient: [1, 1])
    #expect(opt.storedPairs == 0)
    #expect(x == [-10, 0])
}

@Test func lbfgsLeavesAConcaveStartQuickly() throws {
    // The double well f = Σ (x_i² - 1)² from small noise around 0 is concave there, as the style
    // loss is around low-contrast noise: every secant pair has y·s < 0 and is refused. The old
    // first steps (torch's min(1, 1/|g|₁), 10 of them) changed f by under 1e-4 each; the blind
    // steps now grow until the wells are reached, so 10 evaluations take f below a tenth.
    let n = 1000
    var rng = TestRNG(seed: 7)
    var x = (0..<n).map { _ in rng.uniformFloat(-0.01, 0.01) }
    let opt = try LBFGS(bounds: nil)
    var values: [Float] = []
    try opt.minimize(x: &x, evaluations: 10, objective: { x, g in
        var f: Float = 0
        for i in 0..<x.count {
            let u = x[i] * x[i] - 1
            f += u * u
            g[i] = 4 * x[i] * u
        }
        return f
    }, onEvaluation: { _, v, _ in
        values.append(v)
        return true
    })
    #expect(values.count == 10)
    #expect((values.min() ?? .infinity) < 0.1 * values[0])
}

@Test func lbfgsCurvatureTestIsScaleFree() throws {
    // f = 1e-5 |x - c|²: the first (torch) step is -g itself, so y·s = 2e-5 |g|² ≈ 1e-13, below
    // torch's absolute 1e-10 test, which would store no pair and leave L-BFGS crawling with steps
    // of -g (x moving 2e-5 of the way per evaluation). The relative test (y·s > 1e-10 y·y) keeps
    // the pair, so it converges like the unscaled problem.
    let c: [Float] = [1, -2, 3, 0.5]
    let opt = try LBFGS(bounds: nil)
    var x: [Float] = [0, 0, 0, 0]
    try opt.minimize(x: &x, evaluations: 15) { x, g in
        var f: Float = 0
        for i in 0..<4 {
            f += 1e-5 * (x[i] - c[i]) * (x[i] - c[i])
            g[i] = 2e-5 * (x[i] - c[i])
        }
        return f
    }
    #expect(opt.storedPairs > 0)
    for i in 0..<4 { #expect(abs(x[i] - c[i]) < 1e-3) }
}

// MARK: - Adam

@Test func adamConvexQuadraticReachesKnownMinimum() throws {
    var rng = TestRNG(state: 12)
    let n = 10
    let center = (0..<n).map { _ in rng.uniform(-2, 2) }
    let quad = Quadratic(n: n, center: center, seed: 13)
    let opt = try Adam(learningRate: 0.05, bounds: nil)
    var x = [Float](repeating: 0, count: n)
    try opt.minimize(x: &x, evaluations: 3000) { x, g in quad.evaluate(x, &g) }
    for i in 0..<n { #expect(abs(Double(x[i]) - center[i]) < 1e-3) }
    #expect(opt.stepCount == 2999)
}

@Test func adamWithBoundsStopsOnTheBound() throws {
    var rng = TestRNG(state: 14)
    let n = 40
    let a = (0..<n).map { _ in rng.uniform(-100, 355) }
    let opt = try Adam(learningRate: 2)   // default bounds 0…255
    var x = [Float](repeating: 128, count: n)
    var outside = 0
    try opt.minimize(x: &x, evaluations: 1500) { x, g in
        if !inBox(x, .pixelRange) { outside += 1 }
        var f = 0.0
        for i in 0..<n {
            let d = Double(x[i]) - a[i]
            f += d * d
            g[i] = Float(2 * d)
        }
        return Float(f)
    }
    #expect(outside == 0)
    for i in 0..<n { #expect(abs(Double(x[i]) - min(max(a[i], 0), 255)) < 0.05) }
}

@Test func adamFirstStepMovesEachCoordinateByTheLearningRate() throws {
    // With bias correction the first Adam step is -lr · sign(g) (up to ε).
    let opt = try Adam(learningRate: 0.1, bounds: nil)
    var x: [Float] = [1, 2, 3]
    try opt.step(&x, value: 0, gradient: [5, -0.01, 300])
    #expect(abs(x[0] - 0.9) < 1e-6)
    #expect(abs(x[1] - 2.1) < 1e-5)
    #expect(abs(x[2] - 2.9) < 1e-6)
}

// MARK: - Driver

@Test func minimizeCountsEvaluationsAndZeroesTheGradient() throws {
    let opt = try LBFGS(bounds: nil)
    var x: [Float] = [3, -4]
    var calls = 0
    var dirty = 0
    let result = try opt.minimize(x: &x, evaluations: 7) { x, g in
        calls += 1
        if g.contains(where: { $0 != 0 }) { dirty += 1 }
        g[0] = 2 * x[0]
        g[1] = 2 * x[1]
        return x[0] * x[0] + x[1] * x[1]
    }
    #expect(calls == 7)
    #expect(dirty == 0)
    #expect(result.evaluations == 7)
    #expect(result.finalValue == x[0] * x[0] + x[1] * x[1])
}

@Test func minimizeStopsWhenTheCallerSaysSo() throws {
    let opt = try Adam(learningRate: 0.1, bounds: nil)
    var x: [Float] = [3]
    var calls = 0
    var seen: [Int] = []
    let result = try opt.minimize(x: &x, evaluations: 100, objective: { x, g in
        calls += 1
        g[0] = 2 * x[0]
        return x[0] * x[0]
    }, onEvaluation: { k, _, point in
        seen.append(k)
        #expect(point.count == 1)
        return k < 4
    })
    #expect(calls == 4)
    #expect(seen == [1, 2, 3, 4])
    #expect(result.stopReason == .stoppedByCaller)
    #expect(result.evaluations == 4)
}

@Test func minimizeStopsOnTolerance() throws {
    let opt = try LBFGS(historySize: 5, bounds: nil)
    var x: [Float] = [3, -4, 1]
    let result = try opt.minimize(x: &x, evaluations: 1000,
                                  tolerance: ConvergenceTolerance(projectedGradient: 1e-4)) { x, g in
        for i in 0..<3 { g[i] = 2 * x[i] }
        return x.reduce(0) { $0 + $1 * $1 }
    }
    #expect(result.stopReason == .converged)
    #expect(result.evaluations < 50)
    for v in x { #expect(abs(v) < 1e-4) }
}

@Test func minimizeThrowsOnNonFiniteValue() throws {
    let opt = try LBFGS(bounds: nil)
    var x: [Float] = [1]
    #expect(throws: OptimizerError.nonFiniteValue(evaluation: 1, value: .infinity)) {
        try opt.minimize(x: &x, evaluations: 3) { _, _ in .infinity }
    }
    #expect(throws: OptimizerError.self) {
        try opt.minimize(x: &x, evaluations: 0) { _, _ in 0 }
    }
    // After finite evaluations, x comes back as the best finite point, not the one that failed.
    var y: [Float] = [3]
    var calls = 0
    #expect(throws: OptimizerError.self) {
        try LBFGS(bounds: nil).minimize(x: &y, evaluations: 10) { x, g in
            calls += 1
            g[0] = 2 * x[0]
            return calls == 4 ? .nan : x[0] * x[0]
        }
    }
    #expect(calls == 4)
    #expect(abs(y[0]) < 3)
}

@Test func optimizersRejectEmptyProblemsInsteadOfCrashing() throws {
    let adam = try Adam(learningRate: 1)
    let lbfgs = try LBFGS()
    var x: [Float] = []
    #expect(throws: OptimizerError.self) { try adam.step(&x, value: 0, gradient: []) }
    #expect(throws: OptimizerError.self) { try lbfgs.step(&x, value: 0, gradient: []) }
    #expect(throws: OptimizerError.self) { try lbfgs.minimize(x: &x, evaluations: 3) { _, _ in 0 } }
    #expect(throws: OptimizerError.self) { try adam.minimize(x: &x, evaluations: 3) { _, _ in 0 } }
    // A mismatched gradient is rejected before any buffer is touched.
    var y: [Float] = [1, 2]
    #expect(throws: OptimizerError.self) { try lbfgs.step(&y, value: 0, gradient: [1]) }
    #expect(y == [1, 2])
    // After rejecting the empty problem the same optimiser still works: one bounded L-BFGS step
    // from (3, 4) on |x|² is the blind step that moves the largest component by 8,
    // (3, 4) - (6, 8), projected onto the pixel box: (0, 0).
    var z: [Float] = [3, 4]
    try lbfgs.step(&z, value: 25, gradient: [6, 8])
    #expect(z == [0, 0])
}

@Test func minimizeStopsWhenTheWindowedDecreaseIsBelowTheTolerance() throws {
    // Values 1 + 1/k: the decrease over the last 5 evaluations, (1/(k-5) - 1/k) / (1 + 1/k), first
    // falls to 1% or below at some k; the run must stop exactly there, and not before with the
    // tolerance off.
    func value(_ k: Int) -> Double { 1 + 1 / Double(k) }
    let expected = try #require((6...1000).first { k in (value(k - 5) - value(k)) / value(k) <= 0.01 })
    for tolerance: Float in [0.01, 0] {
        let opt = try Adam(learningRate: 0.1, bounds: nil)
        var x: [Float] = [1]
        var k = 0
        let result = try opt.minimize(x: &x, evaluations: 200,
                                      tolerance: ConvergenceTolerance(windowedDecrease: tolerance, window: 5)) { _, g in
            k += 1
            g[0] = 1
            return Float(value(k))
        }
        if tolerance > 0 {
            #expect(result.stopReason == .converged)
            #expect(result.evaluations == expected)
        } else {
            #expect(result.stopReason == .evaluationBudget)
            #expect(result.evaluations == 200)
        }
    }
}

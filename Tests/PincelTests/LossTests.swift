import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Post-ReLU-like activations for the loss tests.
private extension TestRNG {
    /// Post-ReLU-like activations: about a third zeros, the rest in (0, scale).
    mutating func activations(_ count: Int, scale: Double = 3) -> [Float] {
        (0..<count).map { _ in
            let v = uniform(-scale / 2, scale)
            return Float(max(0, v))
        }
    }
}

// MARK: - Naive references (plain loops, Double)

private func naiveGram(_ f: [Double], n: Int, m: Int) -> [Double] {
    var g = [Double](repeating: 0, count: n * n)
    for a in 0..<n {
        for b in 0..<n {
            var s = 0.0
            for k in 0..<m { s += f[a * m + k] * f[b * m + k] }
            g[a * n + b] = s / Double(n * m)
        }
    }
    return g
}

private func naiveStyleLoss(_ f: [Double], n: Int, m: Int, target: [Double], weight: Double) -> Double {
    let g = naiveGram(f, n: n, m: m)
    var s = 0.0
    for i in 0..<(n * n) { s += (g[i] - target[i]) * (g[i] - target[i]) }
    return weight * s / Double(n * n)
}

private func naiveContentLoss(_ f: [Double], _ p: [Double], weight: Double) -> Double {
    var s = 0.0
    for i in 0..<f.count { s += (f[i] - p[i]) * (f[i] - p[i]) }
    return weight * s / Double(f.count)
}

/// `l1Smoothing == nil` is L2; otherwise smoothed L1 `sqrt(d² + ε²) - ε`.
private func naiveTV(_ x: [Double], c: Int, h: Int, w: Int, weight: Double, l1Smoothing: Double?) -> Double {
    func pen(_ d: Double) -> Double {
        if let e = l1Smoothing { return (d * d + e * e).squareRoot() - e }
        return d * d / 2
    }
    var s = 0.0
    for ch in 0..<c {
        for i in 0..<h {
            for j in 0..<w {
                let v = x[(ch * h + i) * w + j]
                if j + 1 < w { s += pen(x[(ch * h + i) * w + j + 1] - v) }
                if i + 1 < h { s += pen(x[(ch * h + i + 1) * w + j] - v) }
            }
        }
    }
    return weight * s
}

/// Central finite differences of a Double function at `x` (every coordinate).
private func finiteDifferences(_ x: [Float], step h: Double, _ f: ([Double]) -> Double) -> [Double] {
    var xd = x.map(Double.init)
    var grad = [Double](repeating: 0, count: x.count)
    for i in 0..<x.count {
        let orig = xd[i]
        xd[i] = orig + h
        let fp = f(xd)
        xd[i] = orig - h
        let fm = f(xd)
        xd[i] = orig
        grad[i] = (fp - fm) / (2 * h)
    }
    return grad
}

/// `max |a - b| / max |b|`: analytic Float gradient `a` against central differences `b` of the
/// naive Double reference. All gradient tests require this below 1e-5 (measured 4e-8 … 3e-7).
private func relativeError(_ a: [Float], _ b: [Double]) -> Double {
    var num = 0.0, den = 0.0
    for i in 0..<a.count {
        num = max(num, abs(Double(a[i]) - b[i]))
        den = max(den, abs(b[i]))
    }
    return num / max(den, 1e-30)
}

// MARK: - Content

@Test func contentLossMatchesNaiveValueAndGradient() throws {
    var rng = TestRNG(state: 11)
    let (n, h, w) = (4, 3, 5)
    let f = Tensor(shape: [n, h, w], data: rng.activations(n * h * w))
    let p = Tensor(shape: [n, h, w], data: rng.activations(n * h * w))
    let weight: Float = 2.5
    var grad = [Float](repeating: 1, count: f.count)   // pre-filled: the loss must add
    let value = try ContentLoss.evaluate(features: f, target: p, weight: weight, gradient: &grad)
    let pd = p.data.map(Double.init)
    let expected = naiveContentLoss(f.data.map(Double.init), pd, weight: Double(weight))
    #expect(abs(Double(value) - expected) <= 1e-5 * expected)
    let fd = finiteDifferences(f.data, step: 1e-4) { naiveContentLoss($0, pd, weight: Double(weight)) }
    let added = grad.map { $0 - 1 }
    #expect(relativeError(added, fd) < 1e-5)   // measured 2.6e-7
}

@Test func contentLossRejectsMismatchedShapes() throws {
    let f = Tensor(zeros: [2, 3, 3])
    let p = Tensor(zeros: [2, 3, 4])
    var grad = [Float](repeating: 0, count: f.count)
    #expect(throws: LossError.self) { try ContentLoss.evaluate(features: f, target: p, weight: 1, gradient: &grad) }
}

// MARK: - Gram and style

@Test func gramMatchesNaiveAndIsSymmetric() throws {
    var rng = TestRNG(state: 3)
    let (n, h, w) = (7, 6, 5)
    let f = Tensor(shape: [n, h, w], data: rng.activations(n * h * w))
    let gram = try GramMatrix(features: f)
    let reference = naiveGram(f.data.map(Double.init), n: n, m: h * w)
    let scale = reference.map(abs).max() ?? 1
    for a in 0..<n {
        for b in 0..<n {
            #expect(abs(Double(gram.values[a * n + b]) - reference[a * n + b]) <= 1e-5 * scale)
            #expect(gram.values[a * n + b] == gram.values[b * n + a])
        }
    }
}

@Test func gramOfLargeLayerMatchesNaive() throws {
    // Big enough for oneDNN to use its blocked kernels (N = 64, M = 4096).
    var rng = TestRNG(state: 5)
    let (n, h, w) = (64, 64, 64)
    let f = Tensor(shape: [n, h, w], data: rng.activations(n * h * w))
    let gram = try GramMatrix(features: f)
    let fd = f.data.map(Double.init)
    let m = h * w
    for (a, b) in [(0, 0), (0, 63), (17, 42), (63, 63), (31, 5)] {
        var s = 0.0
        for k in 0..<m { s += fd[a * m + k] * fd[b * m + k] }
        #expect(abs(Double(gram.values[a * n + b]) - s / Double(n * m)) <= 1e-5)   // entries are O(1)
    }
}

@Test func blendedTargetIsNormalisedWeightedSum() throws {
    var rng = TestRNG(state: 8)
    let n = 5
    let g1 = try GramMatrix(features: Tensor(shape: [n, 4, 4], data: rng.activations(n * 16)))
    let g2 = try GramMatrix(features: Tensor(shape: [n, 3, 6], data: rng.activations(n * 18)))
    let blended = try GramMatrix.blend([g1, g2], weights: [1, 3])
    for i in 0..<(n * n) {
        let expected = 0.25 * Double(g1.values[i]) + 0.75 * Double(g2.values[i])
        #expect(abs(Double(blended.values[i]) - expected) <= 1e-6 * max(1, abs(expected)))
    }
    let single = try GramMatrix.blend([g1], weights: [0.3])
    #expect(single.values == g1.values)
    #expect(throws: LossError.self) { try GramMatrix.blend([g1, g2], weights: [0, 0]) }
    #expect(throws: LossError.self) { try GramMatrix.blend([g1, g2], weights: [1]) }
    let other = try GramMatrix(features: Tensor(shape: [3, 2, 2], data: rng.activations(12)))
    #expect(throws: LossError.self) { try GramMatrix.blend([g1, other], weights: [1, 1]) }
}

@Test func styleLossMatchesNaiveValueAndFiniteDifferenceGradient() throws {
    var rng = TestRNG(state: 21)
    let (n, h, w) = (4, 3, 5)
    let m = h * w
    let f = Tensor(shape: [n, h, w], data: rng.activations(n * m))
    // Blended target of two style images of other sizes.
    let s1 = try GramMatrix(features: Tensor(shape: [n, 4, 4], data: rng.activations(n * 16)))
    let s2 = try GramMatrix(features: Tensor(shape: [n, 2, 7], data: rng.activations(n * 14)))
    let target = try GramMatrix.blend([s1, s2], weights: [0.6, 0.4])
    let weight: Float = 100
    let workspace = try StyleLayerWorkspace(channels: n)
    var grad = [Float](repeating: -0.5, count: f.count)
    let value = try StyleLoss.evaluate(features: f, target: target, layerWeight: weight, workspace: workspace, gradient: &grad)
    let td = target.values.map(Double.init)
    let expected = naiveStyleLoss(f.data.map(Double.init), n: n, m: m, target: td, weight: Double(weight))
    #expect(abs(Double(value) - expected) <= 1e-4 * expected)
    let fd = finiteDifferences(f.data, step: 1e-4) { naiveStyleLoss($0, n: n, m: m, target: td, weight: Double(weight)) }
    let added = grad.map { $0 + 0.5 }
    let err = relativeError(added, fd)
    #expect(err < 1e-5, "style gradient relative error \(err)")   // measured 1.8e-7
    // The workspace holds the current Gram matrix afterwards.
    let gram = try GramMatrix(features: f)
    #expect(workspace.gram == gram.values)

    // Second evaluation with the same workspace gives the same value (no stale state).
    var grad2 = [Float](repeating: 0, count: f.count)
    let again = try StyleLoss.evaluate(features: f, target: target, layerWeight: weight, workspace: workspace, gradient: &grad2)
    #expect(again == value)
}

@Test func styleLossIsZeroAtOwnGram() throws {
    var rng = TestRNG(state: 4)
    let f = Tensor(shape: [3, 4, 4], data: rng.activations(48))
    let target = try GramMatrix(features: f)
    var grad = [Float](repeating: 0, count: f.count)
    let value = try StyleLoss.evaluate(features: f, target: target, layerWeight: 1e3,
                                       workspace: try StyleLayerWorkspace(channels: 3), gradient: &grad)
    #expect(value == 0)
    #expect(grad.allSatisfy { $0 == 0 })
}

@Test func styleLossRejectsWrongWorkspaceAndShapes() throws {
    let f = Tensor(zeros: [3, 2, 2])
    let target = try GramMatrix(features: f)
    var grad = [Float](repeating: 0, count: f.count)
    #expect(throws: LossError.self) {
        try StyleLoss.evaluate(features: f, target: target, layerWeight: 1, workspace: try StyleLayerWorkspace(channels: 4), gradient: &grad)
    }
    var short = [Float](repeating: 0, count: 5)
    #expect(throws: LossError.self) {
        try StyleLoss.evaluate(features: f, target: target, layerWeight: 1, workspace: try StyleLayerWorkspace(channels: 3), gradient: &short)
    }
    #expect(throws: LossError.self) { try GramMatrix(channels: 3, values: [1, 2]) }
}

@Test func lossesOnEmptyBuffersThrowInsteadOfCrashing() throws {
    let empty: [Float] = []
    var emptyGrad: [Float] = []
    let target = try GramMatrix(channels: 2, values: [1, 0, 0, 1])
    let workspace = try StyleLayerWorkspace(channels: 2)
    empty.withUnsafeBufferPointer { e in
        emptyGrad.withUnsafeMutableBufferPointer { g in
            #expect(throws: LossError.self) { try ContentLoss.evaluate(features: e, target: e, weight: 1, gradient: g) }
            #expect(throws: LossError.self) {
                try StyleLoss.evaluate(features: e, target: target, layerWeight: 1, workspace: workspace, gradient: g)
            }
            #expect(throws: LossError.self) {
                try TotalVariationLoss.evaluate(image: e, channels: 3, height: 0, width: 0, norm: .l2, weight: 1, gradient: g)
            }
            #expect(throws: LossError.self) { try GramMatrix(features: e, channels: 2) }
        }
    }
    // Tensor entry points with a zero-sized dimension.
    let zeroWidth = Tensor(zeros: [2, 3, 0])
    #expect(throws: LossError.self) {
        try ContentLoss.evaluate(features: zeroWidth, target: zeroWidth, weight: 1, gradient: &emptyGrad)
    }
    #expect(throws: LossError.self) { try GramMatrix(features: zeroWidth) }
    #expect(throws: LossError.self) {
        try StyleLoss.evaluate(features: zeroWidth, target: target, layerWeight: 1, workspace: workspace, gradient: &emptyGrad)
    }
    #expect(throws: LossError.self) {
        try TotalVariationLoss.evaluate(image: zeroWidth, norm: .l1(smoothing: 0), weight: 1, gradient: &emptyGrad)
    }
}

// MARK: - Total variation

@Test(arguments: [(3, 4, 5), (3, 1, 4), (2, 5, 1), (1, 1, 1)])
func totalVariationL2MatchesNaive(shape: (Int, Int, Int)) throws {
    let (c, h, w) = shape
    var rng = TestRNG(state: UInt64(c * 100 + h * 10 + w))
    let x = Tensor(shape: [c, h, w], data: (0..<(c * h * w)).map { _ in Float(rng.uniform(0, 255)) })
    let weight: Float = 0.3
    var grad = [Float](repeating: 2, count: x.count)
    let value = try TotalVariationLoss.evaluate(image: x, norm: .l2, weight: weight, gradient: &grad)
    let expected = naiveTV(x.data.map(Double.init), c: c, h: h, w: w, weight: Double(weight), l1Smoothing: nil)
    #expect(abs(Double(value) - expected) <= 1e-5 * max(expected, 1))
    let fd = finiteDifferences(x.data, step: 1e-2) {
        naiveTV($0, c: c, h: h, w: w, weight: Double(weight), l1Smoothing: nil)
    }
    let added = grad.map { $0 - 2 }
    if fd.contains(where: { $0 != 0 }) {
        #expect(relativeError(added, fd) < 1e-5)   // measured ≤ 5e-8
    } else {
        #expect(added.allSatisfy { $0 == 0 })
    }
}

@Test func totalVariationL1ExactValueAndSubgradient() throws {
    // ε = 0: value is Σ|d| exactly; gradient is sign(d). Away from kinks (all |d| > 0.01) central
    // differences with h = 1e-3 see no kink, so they must match.
    let (c, h, w) = (3, 5, 6)
    var seed: UInt64 = 77
    var x: Tensor
    repeat {
        var rng = TestRNG(state: seed)
        x = Tensor(shape: [c, h, w], data: (0..<(c * h * w)).map { _ in Float(rng.uniform(0, 255)) })
        seed += 1
    } while minAbsDifference(x, c, h, w) <= 0.01
    let weight: Float = 0.7
    var grad = [Float](repeating: 0, count: x.count)
    let value = try TotalVariationLoss.evaluate(image: x, norm: .l1(smoothing: 0), weight: weight, gradient: &grad)
    let expected = naiveTV(x.data.map(Double.init), c: c, h: h, w: w, weight: Double(weight), l1Smoothing: 0)
    #expect(abs(Double(value) - expected) <= 1e-5 * expected)
    let fd = finiteDifferences(x.data, step: 1e-3) {
        naiveTV($0, c: c, h: h, w: w, weight: Double(weight), l1Smoothing: 0)
    }
    #expect(relativeError(grad, fd) < 1e-5)   // measured 4e-8
}

@Test func totalVariationSmoothL1MatchesFiniteDifferences() throws {
    let (c, h, w) = (3, 4, 4)
    var rng = TestRNG(state: 99)
    // Small values so many differences sit inside the smoothing region.
    let x = Tensor(shape: [c, h, w], data: (0..<(c * h * w)).map { _ in Float(rng.uniform(0, 2)) })
    let eps: Float = 0.5
    var grad = [Float](repeating: 0, count: x.count)
    let value = try TotalVariationLoss.evaluate(image: x, norm: .l1(smoothing: eps), weight: 1.5, gradient: &grad)
    let expected = naiveTV(x.data.map(Double.init), c: c, h: h, w: w, weight: 1.5, l1Smoothing: Double(eps))
    #expect(abs(Double(value) - expected) <= 1e-5 * expected)
    let fd = finiteDifferences(x.data, step: 1e-4) {
        naiveTV($0, c: c, h: h, w: w, weight: 1.5, l1Smoothing: Double(eps))
    }
    #expect(relativeError(grad, fd) < 1e-5)   // measured 8e-8
    #expect(throws: LossError.self) {
        try TotalVariationLoss.evaluate(image: x, norm: .l1(smoothing: -1), weight: 1, gradient: &grad)
    }
}

private func minAbsDifference(_ x: Tensor, _ c: Int, _ h: Int, _ w: Int) -> Float {
    var m = Float.infinity
    for ch in 0..<c {
        for i in 0..<h {
            for j in 0..<w {
                let v = x.data[(ch * h + i) * w + j]
                if j + 1 < w { m = min(m, abs(x.data[(ch * h + i) * w + j + 1] - v)) }
                if i + 1 < h { m = min(m, abs(x.data[(ch * h + i + 1) * w + j] - v)) }
            }
        }
    }
    return m
}

// MARK: - Channels-last layout (the transfer's fast path)

/// `[n, m]` row-major → `[m, n]`.
private func transposed(_ x: [Float], n: Int, m: Int) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    for c in 0..<n { for p in 0..<m { out[p * n + c] = x[c * m + p] } }
    return out
}

@Test(arguments: [(4, 3, 5), (64, 32, 40)])
func channelsLastGramAndStyleGradientMatchChannelsFirst(n: Int, h: Int, w: Int) throws {
    var rng = TestRNG(state: 31)
    let m = h * w
    let f = rng.activations(n * m)
    let fLast = transposed(f, n: n, m: m)
    let first = try f.withUnsafeBufferPointer { try GramMatrix(features: $0, channels: n) }
    let last = try fLast.withUnsafeBufferPointer { try GramMatrix(features: $0, channels: n, layout: .channelsLast) }
    let scale = first.values.map { abs(Double($0)) }.max() ?? 1
    for i in 0..<(n * n) { #expect(abs(Double(last.values[i] - first.values[i])) <= 1e-5 * scale) }

    let target = try GramMatrix(features: Tensor(shape: [n, 4, 4], data: rng.activations(n * 16)))
    var gFirst = [Float](repeating: 0.25, count: n * m)
    var gLast = [Float](repeating: 0.25, count: n * m)
    let vFirst = try f.withUnsafeBufferPointer { fp in
        try gFirst.withUnsafeMutableBufferPointer { gp in
            try StyleLoss.evaluate(features: fp, target: target, layerWeight: 7, workspace: try StyleLayerWorkspace(channels: n), gradient: gp)
        }
    }
    let vLast = try fLast.withUnsafeBufferPointer { fp in
        try gLast.withUnsafeMutableBufferPointer { gp in
            try StyleLoss.evaluate(features: fp, target: target, layerWeight: 7, workspace: try StyleLayerWorkspace(channels: n),
                                   gradient: gp, layout: .channelsLast)
        }
    }
    #expect(abs(Double(vLast - vFirst)) <= 1e-5 * Double(vFirst))
    let err = relativeL2(transposed(gLast, n: m, m: n), gFirst)
    #expect(err < 1e-5, "channels-last style gradient differs by \(err)")
}

/// A guide at one layer's resolution, kept as the positions where it is above 0 and their
/// weights, so the guided products run over the region's rows only.
struct CompactGuide {
    /// Positions `p` (row-major over the layer's `h × w`) with `g_p > 0`.
    let indices: [Int]
    /// `g_p` for each of ``indices``.
    let weights: [Float]
    /// `S = Σ g_p²`.
    let sumSquares: Double
    /// `M = h · w`, the layer's positions.
    let positions: Int

    init(_ guide: [Float]) {
        var indices: [Int] = [], weights: [Float] = [], s = 0.0
        for (p, g) in guide.enumerated() where g > 0 && g.isFinite {
            indices.append(p)
            weights.append(g)
            s += Double(g) * Double(g)
        }
        self.indices = indices
        self.weights = weights
        sumSquares = s
        positions = guide.count
    }
}

/// Scratch for ``GuidedStyleLoss``: the guided features of the region's rows, their product
/// with `G − A`, and the `N × N` Gram and difference. Grows to the largest region it meets,
/// then allocates nothing.
final class GuidedStyleWorkspace {
    let channels: Int
    var gram: [Float]
    var difference: [Float]
    var gathered: [Float] = []
    var product: [Float] = []

    init(channels: Int) throws {
        guard channels > 0 else { throw LossError.invalidArgument("a style workspace needs at least one channel") }
        self.channels = channels
        gram = [Float](repeating: 0, count: channels * channels)
        difference = gram
    }

    func reserve(rows: Int) {
        let count = rows * channels
        if gathered.count < count {
            gathered = [Float](repeating: 0, count: count)
            product = gathered
        }
    }
}

/// The guided style loss of one layer and one region (Gatys et al. 2017, spatial control).
///
/// With the guide `g` at the layer's resolution (`M` positions, `S = Σ_p g_p²`) and the
/// activation `F` (`N` channels), the guided Gram matrix is
/// `G = Σ_p g_p² F_p F_pᵀ / (N S)`: the Gram matrix of the guided features `g ∘ F`, divided by
/// the guide's weight instead of the pixel count, so a region's statistics are on the scale of
/// a whole image's (an all-ones guide gives exactly ``GramMatrix``). The loss is
/// `layerWeight · (S / M) · mean((G − A)²)`: each region counts in proportion to its area, so
/// masks that cover the image once sum to a style term on the unmasked one's scale, and an
/// all-ones guide gives exactly ``StyleLoss``.
///
/// Gradient: `dL/dF_p = 4 · layerWeight · g_p² · (G − A) F_p / (N³ M)`.
enum GuidedStyleLoss {
    /// `G` of `features` under `guide`, or `nil` when the guide is zero everywhere.
    static func gram(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout,
                     guide: CompactGuide, workspace: GuidedStyleWorkspace) throws -> GramMatrix? {
        guard try compute(features: features, channels: n, layout: layout, guide: guide, workspace: workspace) else { return nil }
        return try GramMatrix(channels: n, values: workspace.gram)
    }

    /// Gathers `g ∘ F` over the guide's rows into the workspace and writes `G` into its Gram
    /// buffer; false when the guide is zero everywhere.
    private static func compute(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout,
                                guide: CompactGuide, workspace: GuidedStyleWorkspace) throws -> Bool {
        guard workspace.channels == n, n > 0, features.count == n * guide.positions else {
            throw LossError.sizeMismatch(what: "the guided style features", expected: n * guide.positions, actual: features.count)
        }
        let k = guide.indices.count
        guard k > 0, guide.sumSquares > 0 else { return false }
        workspace.reserve(rows: k)
        let m = guide.positions
        workspace.gathered.withUnsafeMutableBufferPointer { a in
            for (r, p) in guide.indices.enumerated() {
                let g = guide.weights[r]
                switch layout {
                case .channelsLast: for c in 0..<n { a[r * n + c] = g * features[p * n + c] }
                case .channelsFirst: for c in 0..<n { a[r * n + c] = g * features[c * m + p] }
                }
            }
        }
        let scale = Float(1 / (Double(n) * guide.sumSquares))
        try workspace.gathered.withUnsafeBufferPointer { a in
            try workspace.gram.withUnsafeMutableBufferPointer { g in
                guard let ap = a.baseAddress, let gp = g.baseAddress else {
                    throw LossError.invalidArgument("the guided Gram buffers have no storage")
                }
                try sgemm(transposeA: true, transposeB: false, m: n, n: n, k: k, alpha: scale, a: ap, lda: n,
                          b: ap, ldb: n, beta: 0, c: gp, ldc: n)
                for i in 0..<n {
                    for j in (i + 1)..<n {
                        let mean = 0.5 * (gp[i * n + j] + gp[j * n + i])
                        gp[i * n + j] = mean
                        gp[j * n + i] = mean
                    }
                }
            }
        }
        return true
    }

    /// Returns the loss of one region and **adds** its `dL/dF` into `gradient` (same layout as
    /// `features`).
    static func evaluate(features: UnsafeBufferPointer<Float>, target: GramMatrix, guide: CompactGuide,
                         layerWeight: Float, workspace: GuidedStyleWorkspace,
                         gradient: UnsafeMutableBufferPointer<Float>, layout: FeatureLayout) throws -> Float {
        let n = target.channels
        guard gradient.count == features.count else {
            throw LossError.sizeMismatch(what: "the guided style gradient", expected: features.count, actual: gradient.count)
        }
        guard try compute(features: features, channels: n, layout: layout, guide: guide, workspace: workspace) else { return 0 }
        let nn = n * n, k = guide.indices.count, m = guide.positions
        var sum = 0.0
        for i in 0..<nn {
            let d = workspace.gram[i] - target.values[i]
            workspace.difference[i] = d
            sum += Double(d) * Double(d)
        }
        try workspace.gathered.withUnsafeBufferPointer { a in
            try workspace.difference.withUnsafeBufferPointer { d in
                try workspace.product.withUnsafeMutableBufferPointer { b in
                    guard let ap = a.baseAddress, let dp = d.baseAddress, let bp = b.baseAddress else {
                        throw LossError.invalidArgument("the guided gradient buffers have no storage")
                    }
                    // B = (g ∘ F) (G − A), K × N (G − A is symmetric).
                    try sgemm(transposeA: false, transposeB: false, m: k, n: n, k: n, alpha: 1, a: ap, lda: n,
                              b: dp, ldb: n, beta: 0, c: bp, ldc: n)
                }
            }
        }
        let alpha = Float(Double(layerWeight) * 4 / (Double(n) * Double(n) * Double(n) * Double(m)))
        workspace.product.withUnsafeBufferPointer { b in
            for (r, p) in guide.indices.enumerated() {
                let s = alpha * guide.weights[r]
                switch layout {
                case .channelsLast: for c in 0..<n { gradient[p * n + c] += s * b[r * n + c] }
                case .channelsFirst: for c in 0..<n { gradient[c * m + p] += s * b[r * n + c] }
                }
            }
        }
        return Float(Double(layerWeight) * (guide.sumSquares / Double(m)) * sum / Double(nn))
    }
}

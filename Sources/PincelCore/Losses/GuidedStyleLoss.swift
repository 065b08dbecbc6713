/// A guide at one layer's resolution, kept as the positions where it is above 0 and their
/// weights, so the guided products run over the region's rows only.
package struct CompactGuide {
    /// Positions `p` (row-major over the layer's `h × w`) with `g_p > 0` (32 bits: an image has
    /// at most ``TransferLimits/maxPixels`` pixels).
    let indices: [Int32]
    /// `g_p` for each of ``indices``.
    let weights: [Float]
    /// `S = Σ g_p²`.
    let sumSquares: Double
    /// `M = h · w`, the layer's positions.
    let positions: Int

    package init(_ guide: [Float]) {
        var indices: [Int32] = [], weights: [Float] = [], s = 0.0
        for (p, g) in guide.enumerated() where g > 0 && g.isFinite {
            indices.append(Int32(truncatingIfNeeded: p))
            weights.append(g)
            s += Double(g) * Double(g)
        }
        self.indices = indices
        self.weights = weights
        sumSquares = s
        positions = guide.count
    }
}

/// Scratch for ``GuidedStyleLoss``: the guided features of a chunk of the region's rows, their
/// product with `G − A`, and the `N × N` Gram and difference. The chunks hold at most
/// `chunkValues` floats each (4 MiB by default), so the scratch does not grow with the image.
package final class GuidedStyleWorkspace {
    let channels: Int
    var gram: [Float]
    var difference: [Float]
    var gathered: [Float] = []
    var product: [Float] = []

    package init(channels: Int, chunkValues: Int = 1 << 20) throws {
        guard channels > 0 else { throw LossError.invalidArgument("a style workspace needs at least one channel") }
        self.channels = channels
        self.chunkValues = max(1, chunkValues)
        gram = [Float](repeating: 0, count: channels * channels)
        difference = gram
    }

    /// Floats per chunk buffer.
    let chunkValues: Int
    /// Rows per chunk.
    var chunkRows: Int { max(1, chunkValues / channels) }

    func reserve(rows: Int) {
        let count = min(rows, chunkRows) * channels
        if gathered.count < count {
            gathered = [Float](repeating: 0, count: count)
            product = gathered
        }
    }

    /// Writes `g ∘ F` of the guide's rows `rows` into ``gathered`` (row-major, `N` per row).
    func gather(_ features: UnsafeBufferPointer<Float>, guide: CompactGuide, rows: Range<Int>, layout: FeatureLayout) {
        let n = channels, m = guide.positions
        gathered.withUnsafeMutableBufferPointer { a in
            for r in rows {
                let p = Int(guide.indices[r]), g = guide.weights[r], o = (r - rows.lowerBound) * n
                switch layout {
                case .channelsLast: for c in 0..<n { a[o + c] = g * features[p * n + c] }
                case .channelsFirst: for c in 0..<n { a[o + c] = g * features[c * m + p] }
                }
            }
        }
    }

    /// The guide's rows in chunks of at most ``chunkRows``.
    func chunks(_ guide: CompactGuide) -> [Range<Int>] {
        stride(from: 0, to: guide.indices.count, by: chunkRows).map { $0..<min($0 + chunkRows, guide.indices.count) }
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
package enum GuidedStyleLoss {
    /// `G` of `features` under `guide`, or `nil` when the guide is zero everywhere.
    package static func gram(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout,
                             guide: CompactGuide, workspace: GuidedStyleWorkspace,
                             products: some MatrixProducts) throws -> GramMatrix? {
        guard try compute(features: features, channels: n, layout: layout, guide: guide, workspace: workspace,
                          products: products) else { return nil }
        return try GramMatrix(channels: n, values: workspace.gram)
    }

    /// Gathers `g ∘ F` over the guide's rows into the workspace and writes `G` into its Gram
    /// buffer; false when the guide is zero everywhere.
    private static func compute(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout,
                                guide: CompactGuide, workspace: GuidedStyleWorkspace,
                                products: some MatrixProducts) throws -> Bool {
        guard workspace.channels == n, n > 0, features.count == n * guide.positions else {
            throw LossError.sizeMismatch(what: "the guided style features", expected: n * guide.positions, actual: features.count)
        }
        let k = guide.indices.count
        guard k > 0, guide.sumSquares > 0 else { return false }
        workspace.reserve(rows: k)
        let scale = Float(1 / (Double(n) * guide.sumSquares))
        for (index, rows) in workspace.chunks(guide).enumerated() {
            workspace.gather(features, guide: guide, rows: rows, layout: layout)
            try workspace.gathered.withUnsafeBufferPointer { a in
                try workspace.gram.withUnsafeMutableBufferPointer { g in
                    guard let ap = a.baseAddress, let gp = g.baseAddress else {
                        throw LossError.invalidArgument("the guided Gram buffers have no storage")
                    }
                    try products.multiply(transposeA: true, transposeB: false, m: n, n: n, k: rows.count, alpha: scale, a: ap, lda: n,
                              b: ap, ldb: n, beta: index == 0 ? 0 : 1, c: gp, ldc: n)
                }
            }
        }
        workspace.gram.withUnsafeMutableBufferPointer { g in
            if let gp = g.baseAddress {
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
    package static func evaluate(features: UnsafeBufferPointer<Float>, target: GramMatrix, guide: CompactGuide,
                                 layerWeight: Float, workspace: GuidedStyleWorkspace,
                                 gradient: UnsafeMutableBufferPointer<Float>, layout: FeatureLayout,
                                 products: some MatrixProducts) throws -> Float {
        let n = target.channels
        guard gradient.count == features.count else {
            throw LossError.sizeMismatch(what: "the guided style gradient", expected: features.count, actual: gradient.count)
        }
        guard try compute(features: features, channels: n, layout: layout, guide: guide, workspace: workspace,
                          products: products) else { return 0 }
        let nn = n * n, m = guide.positions
        var sum = 0.0
        for i in 0..<nn {
            let d = workspace.gram[i] - target.values[i]
            workspace.difference[i] = d
            sum += Double(d) * Double(d)
        }
        let alpha = Float(Double(layerWeight) * 4 / (Double(n) * Double(n) * Double(n) * Double(m)))
        let chunks = workspace.chunks(guide)
        for rows in chunks {
            // The last chunk's rows are still gathered after the Gram pass.
            if chunks.count > 1 { workspace.gather(features, guide: guide, rows: rows, layout: layout) }
            try workspace.gathered.withUnsafeBufferPointer { a in
                try workspace.difference.withUnsafeBufferPointer { d in
                    try workspace.product.withUnsafeMutableBufferPointer { b in
                        guard let ap = a.baseAddress, let dp = d.baseAddress, let bp = b.baseAddress else {
                            throw LossError.invalidArgument("the guided gradient buffers have no storage")
                        }
                        // B = (g ∘ F) (G − A), rows × N (G − A is symmetric).
                        try products.multiply(transposeA: false, transposeB: false, m: rows.count, n: n, k: n, alpha: 1, a: ap, lda: n,
                                  b: dp, ldb: n, beta: 0, c: bp, ldc: n)
                    }
                }
            }
            workspace.product.withUnsafeBufferPointer { b in
                for r in rows {
                    let p = Int(guide.indices[r]), s = alpha * guide.weights[r], o = (r - rows.lowerBound) * n
                    switch layout {
                    case .channelsLast: for c in 0..<n { gradient[p * n + c] += s * b[o + c] }
                    case .channelsFirst: for c in 0..<n { gradient[c * m + p] += s * b[o + c] }
                    }
                }
            }
        }
        return Float(Double(layerWeight) * (guide.sumSquares / Double(m)) * sum / Double(nn))
    }
}

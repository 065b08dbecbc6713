/// Reusable per-layer scratch for ``StyleLoss``: the current Gram matrix and `G - A`
/// (`N · N` floats each). Create one per style layer and pass it to every evaluation so that
/// evaluations allocate nothing. Not thread-safe: one evaluation at a time per workspace.
public final class StyleLayerWorkspace {
    /// `N`.
    public let channels: Int
    /// The Gram matrix `G` of the most recent evaluation, `N × N` row-major.
    public internal(set) var gram: [Float]
    var difference: [Float]

    /// Scratch for a layer of `channels` channels (`N`, at least 1).
    ///
    /// - Throws: ``LossError/invalidArgument(_:)`` for `channels` below 1.
    public init(channels: Int) throws {
        guard channels > 0 else { throw LossError.invalidArgument("a style workspace needs at least one channel") }
        self.channels = channels
        gram = [Float](repeating: 0, count: channels * channels)
        difference = [Float](repeating: 0, count: channels * channels)
    }
}

/// Style loss of one layer (Gatys et al.): `layerWeight · mean((G - A)²)` over the `N²`
/// entries, where `G = F Fᵀ / (N M)` is the Gram matrix of the current `[N, H, W]` activation
/// `F` (`M = H · W`) and `A` the (possibly blended) style target.
///
/// Gradient: `dL/dF = layerWeight · (2 / N²) · (2 / (N M)) · (G - A) F`, valid because `G` and
/// `A` are symmetric. Both products (`F Fᵀ` and `(G - A) F`) run on
/// the backend's ``MatrixProducts``.
public enum StyleLoss {
    /// Returns the loss and **adds** `dL/dF` into `gradient`.
    ///
    /// - Parameters:
    ///   - features: `F`, `[N, H, W]` channel-major, `N = target.channels`.
    ///   - target: `A`, `N × N`, e.g. from ``GramMatrix/init(features:products:)`` or ``GramMatrix/blend(_:weights:)``.
    ///   - layerWeight: the layer's weight in the style term, finite and at least 0.
    ///   - workspace: scratch with `workspace.channels == N`; holds `G` afterwards.
    ///   - gradient: `dL/dF` accumulator, same size and layout as `features`.
    ///   - layout: `[N, H, W]` (`.channelsFirst`) or `[H, W, N]` (`.channelsLast`) for both
    ///     `features` and `gradient`.
    ///   - products: the matrix products' implementation (the backend's).
    public static func evaluate(features: UnsafeBufferPointer<Float>, target: GramMatrix, layerWeight: Float,
                                workspace: StyleLayerWorkspace,
                                gradient: UnsafeMutableBufferPointer<Float>,
                                layout: FeatureLayout = .channelsFirst, products: some MatrixProducts) throws -> Float {
        let n = target.channels
        guard workspace.channels == n else {
            throw LossError.sizeMismatch(what: "the style workspace", expected: n * n, actual: workspace.channels * workspace.channels)
        }
        guard gradient.count == features.count else {
            throw LossError.sizeMismatch(what: "the style gradient", expected: features.count, actual: gradient.count)
        }
        // Throws for empty features, so below `features` and `gradient` are non-empty.
        try workspace.gram.withUnsafeMutableBufferPointer { g in
            try GramMatrix.compute(features: features, channels: n, layout: layout, into: g, products: products)
        }
        guard let fp = features.baseAddress, let gradp = gradient.baseAddress else {
            throw LossError.invalidArgument("style features or gradient buffer has no storage")
        }
        let m = features.count / n
        let nn = n * n
        // The three N × N buffers hold `nn > 0` values (a workspace has at least one channel).
        let sum: Double = try workspace.gram.withUnsafeBufferPointer { g in
            try target.values.withUnsafeBufferPointer { a in
                try workspace.difference.withUnsafeMutableBufferPointer { dBuf in
                    guard let d = dBuf.baseAddress, let gp = g.baseAddress, let ap = a.baseAddress else {
                        throw LossError.invalidArgument("a style Gram buffer has no storage")
                    }
                    for i in 0..<nn { d[i] = gp[i] - ap[i] }
                    return VectorMath.dot(d, d, count: nn)
                }
            }
        }
        let alpha = Float(Double(layerWeight) * 4 / (Double(n) * Double(n) * Double(n) * Double(m)))
        try workspace.difference.withUnsafeBufferPointer { d in
            guard let dp = d.baseAddress else {
                throw LossError.invalidArgument("the style difference buffer has no storage")
            }
            switch layout {
            case .channelsFirst:  // (G - A) F, N × M
                try products.multiply(transposeA: false, transposeB: false, m: n, n: m, k: n, alpha: alpha, a: dp, lda: n,
                          b: fp, ldb: m, beta: 1, c: gradp, ldc: m)
            case .channelsLast:   // Fᵀ (G - A), M × N
                try products.multiply(transposeA: false, transposeB: false, m: m, n: n, k: n, alpha: alpha, a: fp, lda: n,
                          b: dp, ldb: n, beta: 1, c: gradp, ldc: n)
            }
        }
        return Float(Double(layerWeight) * sum / Double(nn))
    }

    /// ``evaluate(features:target:layerWeight:workspace:gradient:layout:products:)`` on a `[N, H, W]` tensor.
    public static func evaluate(features: Tensor, target: GramMatrix, layerWeight: Float,
                                workspace: StyleLayerWorkspace, gradient: inout [Float],
                                products: some MatrixProducts) throws -> Float {
        guard features.shape.count == 3, features.shape[0] == target.channels else {
            throw LossError.invalidArgument("style features must be [\(target.channels), height, width], got shape \(features.shape)")
        }
        return try features.data.withUnsafeBufferPointer { f in
            try gradient.withUnsafeMutableBufferPointer { g in
                try evaluate(features: f, target: target, layerWeight: layerWeight, workspace: workspace, gradient: g,
                             products: products)
            }
        }
    }
}

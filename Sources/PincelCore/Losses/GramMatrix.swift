/// The normalised Gram matrix of a `[N, H, W]` activation `F` (viewed as `N × M`, `M = H · W`):
/// `G = F Fᵀ / (N M)`, stored `N × N` row-major. Symmetric.
public struct GramMatrix: Sendable, Equatable {
    /// `N`.
    public let channels: Int
    /// `N · N` values, row-major.
    public let values: [Float]

    /// A Gram matrix from precomputed values (`values.count == channels²`).
    public init(channels: Int, values: [Float]) throws {
        guard channels > 0 else { throw LossError.invalidArgument("a Gram matrix needs at least one channel") }
        guard values.count == channels * channels else {
            throw LossError.sizeMismatch(what: "the Gram matrix", expected: channels * channels, actual: values.count)
        }
        self.channels = channels
        self.values = values
    }

    /// The Gram matrix of `features`: `[channels, H, W]` (channel-major, the default) or
    /// `[H, W, channels]` (`layout: .channelsLast`), its products computed by `products`.
    public init(features: UnsafeBufferPointer<Float>, channels: Int, layout: FeatureLayout = .channelsFirst,
                products: some MatrixProducts) throws {
        var values = [Float](repeating: 0, count: channels * channels)
        try values.withUnsafeMutableBufferPointer { g in
            try GramMatrix.compute(features: features, channels: channels, layout: layout, into: g, products: products)
        }
        try self.init(channels: channels, values: values)
    }

    /// The Gram matrix of a `[N, H, W]` activation tensor, its products computed by `products`.
    public init(features: Tensor, products: some MatrixProducts) throws {
        guard features.shape.count == 3 else {
            throw LossError.invalidArgument("Gram matrix input must be [channels, height, width], got shape \(features.shape)")
        }
        let n = features.shape[0]
        var values = [Float](repeating: 0, count: n * n)
        try features.data.withUnsafeBufferPointer { f in
            try values.withUnsafeMutableBufferPointer { g in
                try GramMatrix.compute(features: f, channels: n, into: g, products: products)
            }
        }
        try self.init(channels: n, values: values)
    }

    /// The blended style target `Σ wᵢ Gᵢ` with the weights normalised to sum to 1 (as the
    /// classic `-style_blend_weights`), so `[1, 1]` averages two styles. Weights must be
    /// non-negative with a positive sum; all Gram matrices must have the same channel count.
    public static func blend(_ grams: [GramMatrix], weights: [Float]) throws -> GramMatrix {
        guard let first = grams.first else { throw LossError.invalidArgument("blend needs at least one style Gram matrix") }
        guard weights.count == grams.count else {
            throw LossError.invalidArgument("blend got \(weights.count) weights for \(grams.count) style images; give one weight per style image")
        }
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw LossError.invalidArgument("style blend weights must be finite and non-negative, got \(weights)")
        }
        let total = weights.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { throw LossError.invalidArgument("style blend weights sum to zero") }
        let n = first.channels
        var sum = [Double](repeating: 0, count: n * n)
        for (gram, w) in zip(grams, weights) {
            guard gram.channels == n else {
                throw LossError.sizeMismatch(what: "a style Gram matrix", expected: n * n, actual: gram.values.count)
            }
            let wn = Double(w) / total
            for i in 0..<(n * n) { sum[i] += wn * Double(gram.values[i]) }
        }
        return try GramMatrix(channels: n, values: sum.map { Float($0) })
    }

    /// Writes `F Fᵀ / (N M)` into `gram` (`N · N` values) with the backend's matrix product,
    /// symmetrised exactly.
    /// `features` is `F` (`N × M`, `.channelsFirst`) or `Fᵀ` (`M × N`, `.channelsLast`).
    package static func compute(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout = .channelsFirst,
                                into gram: UnsafeMutableBufferPointer<Float>, products: some MatrixProducts) throws {
        guard n > 0, !features.isEmpty, features.count % n == 0 else {
            throw LossError.invalidArgument("\(features.count) feature values do not split into \(n) channels")
        }
        guard gram.count == n * n else {
            throw LossError.sizeMismatch(what: "the Gram buffer", expected: n * n, actual: gram.count)
        }
        // Both buffers are non-empty here (checked above), so their base addresses exist.
        guard let f = features.baseAddress, let g = gram.baseAddress else {
            throw LossError.invalidArgument("the Gram features or output buffer has no storage")
        }
        let m = features.count / n
        let scale = Float(1 / (Double(n) * Double(m)))
        switch layout {
        case .channelsFirst:
            try products.multiply(transposeA: false, transposeB: true, m: n, n: n, k: m, alpha: scale, a: f, lda: m,
                      b: f, ldb: m, beta: 0, c: g, ldc: n)
        case .channelsLast:
            // (Fᵀ)ᵀ Fᵀ: the faster shape on oneDNN for the tall-thin matrices of VGG's early
            // layers (BENCHMARKS.md).
            try products.multiply(transposeA: true, transposeB: false, m: n, n: n, k: m, alpha: scale, a: f, lda: n,
                      b: f, ldb: n, beta: 0, c: g, ldc: n)
        }
        // The blocked product need not be bitwise symmetric; make it so (the style gradient
        // formula relies on G = Gᵀ).
        for a in 0..<n {
            for b in (a + 1)..<n {
                let mean = 0.5 * (g[a * n + b] + g[b * n + a])
                g[a * n + b] = mean
                g[b * n + a] = mean
            }
        }
    }
}

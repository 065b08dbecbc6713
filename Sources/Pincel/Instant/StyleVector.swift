import PincelCore

/// A painting's style as the instant network sees it: 100 numbers from the style predictor
/// (Ghiasi et al. 2017), which condition the transformer's normalisation layers.
///
/// Vectors mix linearly: a weighted mean of several paintings' vectors blends their styles,
/// and moving from the photo's own vector towards a painting's sets how strongly it is styled.
public struct StyleVector: Sendable, Equatable {
    /// The numbers, ``InstantStylizer/styleVectorLength`` of them.
    public var values: [Float]

    /// A vector of the given numbers (``InstantStylizer/styleVectorLength`` finite values).
    ///
    /// - Throws: ``TransferError/invalidOption(_:)`` for another count or a non-finite value.
    public init(values: [Float]) throws {
        guard values.count == InstantStylizer.styleVectorLength, values.allSatisfy(\.isFinite) else {
            throw TransferError.invalidOption("a style vector needs \(InstantStylizer.styleVectorLength) finite numbers, got \(values.count)")
        }
        self.values = values
    }

    /// The weighted mean of `vectors` (weights non-negative, not all zero; normalised here).
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` (``TransferSetting/styleBlend``) for a
    ///   count mismatch or bad weights.
    public static func blend(_ vectors: [StyleVector], weights: [Float]) throws -> StyleVector {
        guard !vectors.isEmpty, weights.count == vectors.count else {
            throw TransferError.invalidSetting(.styleBlend, "has \(weights.count) weights for \(vectors.count) style images; give one per style")
        }
        let total = weights.reduce(0, +)
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), total > 0, total.isFinite else {
            throw TransferError.invalidSetting(.styleBlend, "weights must be finite, at least 0 and not all 0")
        }
        var mixed = [Float](repeating: 0, count: InstantStylizer.styleVectorLength)
        for (v, w) in zip(vectors, weights) {
            for i in mixed.indices { mixed[i] += v.values[i] * (w / total) }
        }
        return try StyleVector(values: mixed)
    }

    /// `self` moved towards `other` by `amount` (0: `self`, 1: `other`).
    public func interpolated(to other: StyleVector, amount: Float) -> StyleVector {
        var out = self
        for i in out.values.indices { out.values[i] += (other.values[i] - values[i]) * amount }
        return out
    }
}

import PincelCore
import PincelWeights
import PincelImaging

/// The coarse-to-fine schedule: image sizes from small to the requested size, and the
/// objective evaluations spent at each.
///
/// Sizes: the requested longer side, halved while the result stays at least ``coarsestSide``
/// (512 px): up to 1023 px a single scale, 1024 → 512, 1024, 2048 → 512, 1024, 2048. With
/// `scales` given, that many sizes (the smallest at least 32 px).
///
/// Iterations: split evenly over the scales (the first gets the remainder); each scale ends
/// earlier when the convergence test fires. `scaleIterations` overrides the split.
///
/// Why: measured objective (of the saved image) against time at 512 px on both bundled
/// pairs, a single scale is ahead of the old 128-px-first pyramid at every moment; at 1024 px
/// a single scale from noise and a 512 → 1024 run reach about the same objective in the same
/// time, but the single scale has not yet arranged the painting's large-scale structure
/// (blotches over the face), while the 512-px start has. The figures: BENCHMARKS.md,
/// "Convergence and defaults".
public struct ScalePlan: Sendable, Equatable {
    /// One scale of the plan.
    public struct Step: Sendable, Equatable {
        /// Longer side of the image at this scale, pixels.
        public var side: Int
        /// Objective evaluations at this scale (the cap; convergence may end it earlier).
        public var iterations: Int
    }

    /// The scales, smallest first; the last one's side is the requested size.
    public var steps: [Step]
    /// The automatic plan's smallest side, pixels: larger sizes start here and double (see the
    /// type's notes).
    public static let coarsestSide = 512
    /// The most objective evaluations a plan may hold, in all and at any one scale (a
    /// million: over a day at the smallest sizes). Larger counts are refused, so nothing
    /// computed from them can overflow.
    public static let maximumIterations = 1_000_000

    /// The most scales `size` allows: halvings while the smallest side stays at least 32 px
    /// (`floor(log2(size / 32)) + 1`; 0 below 32 px).
    public static func maximumScales(size: Int) -> Int {
        var n = 0
        while n < Int.bitWidth - 1, size >> n >= 32 { n += 1 }
        return n
    }

    /// The plan for a result `size` pixels on its longer side.
    ///
    /// - Parameters:
    ///   - size: the result's longer side, pixels, at least 32.
    ///   - iterations: evaluations over all scales, split as described above (ignored when
    ///     `scaleIterations` is given).
    ///   - scales: the number of scales, `nil` for automatic (``maximumScales(size:)`` at most).
    ///   - scaleIterations: evaluations per scale, smallest first (sets the number of scales).
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` for a value outside these ranges.
    public init(size: Int, iterations: Int, scales: Int?, scaleIterations: [Int]?) throws {
        guard size >= 32 else { throw TransferError.invalidSetting(.size, "must be at least 32 px, got \(size)") }
        let count: Int
        if let scaleIterations {
            count = scaleIterations.count
        } else if let scales {
            count = scales
        } else {
            var n = 1
            while size >> n >= Self.coarsestSide { n += 1 }
            count = n
        }
        // Checked before anything is allocated from `count`.
        guard count >= 1 else { throw TransferError.invalidSetting(.scales, "must be at least 1") }
        let most = Self.maximumScales(size: size)
        guard count <= most else {
            throw TransferError.invalidSetting(scaleIterations == nil ? .scales : .scaleIterations, "would shrink \(size) px below 32 px with \(count) scales; use at most \(most)")
        }
        let sides = (0..<count).reversed().map { size >> $0 }
        let its: [Int]
        if let scaleIterations {
            guard scaleIterations.allSatisfy({ $0 >= 1 }) else {
                throw TransferError.invalidSetting(.scaleIterations, "must give every scale at least 1 iteration")
            }
            // Each term is bounded first, so the sum cannot overflow.
            guard scaleIterations.allSatisfy({ $0 <= Self.maximumIterations }),
                  scaleIterations.reduce(0, +) <= Self.maximumIterations else {
                throw TransferError.invalidSetting(.scaleIterations, "must add up to at most \(Self.maximumIterations)")
            }
            its = scaleIterations
        } else {
            guard (1...Self.maximumIterations).contains(iterations) else {
                throw TransferError.invalidSetting(.iterations, "must be between 1 and \(Self.maximumIterations), got \(iterations)")
            }
            // count ≤ 63 and iterations ≤ 10⁶: every value below fits comfortably.
            var split = Array(repeating: max(1, iterations / count), count: count)
            split[0] += max(0, iterations - split.reduce(0, +))
            its = split
        }
        steps = zip(sides, its).map { Step(side: $0, iterations: $1) }
    }

    /// Total objective evaluations (at most ``maximumIterations`` plus one per scale).
    public var iterations: Int { steps.reduce(0) { $0 + $1.iterations } }
}

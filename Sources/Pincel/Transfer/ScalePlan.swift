/// The coarse-to-fine schedule: image sizes from small to the requested size, and the
/// objective evaluations spent at each.
///
/// Sizes: the requested longer side, halved until the next halving would drop below
/// ``minimumSide`` (128 px), so 512 → 128, 256, 512 and 1024 → 128, 256, 512, 1024. With
/// `scales` given, that many sizes (the smallest at least 32 px).
///
/// Iterations: each scale gets half as many as the one below it (fractions 4/7, 2/7, 1/7
/// for three scales). An evaluation at a scale costs about 4x one at the scale below, so
/// the time is spread evenly, while most of the optimisation — the large-scale
/// arrangement of the style — happens where it is cheap. `--scale-iterations` overrides
/// the split.
public struct ScalePlan: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// Longer side of the image at this scale.
        public var side: Int
        public var iterations: Int
    }

    public var steps: [Step]
    public static let minimumSide = 128

    public init(size: Int, iterations: Int, scales: Int?, scaleIterations: [Int]?) throws {
        let count: Int
        if let scaleIterations {
            count = scaleIterations.count
        } else if let scales {
            count = scales
        } else {
            var n = 1
            while size >> n >= Self.minimumSide { n += 1 }
            count = n
        }
        guard count >= 1 else { throw TransferError.invalidOption("the number of scales must be at least 1") }
        let sides = (0..<count).reversed().map { size >> $0 }
        guard let smallest = sides.first, smallest >= 32 else {
            throw TransferError.invalidOption("\(count) scales would shrink \(size) px below 32 px; use fewer scales")
        }
        let its: [Int]
        if let scaleIterations {
            guard scaleIterations.allSatisfy({ $0 >= 1 }) else {
                throw TransferError.invalidOption("every scale needs at least 1 iteration")
            }
            its = scaleIterations
        } else {
            let shares = (0..<count).map { Double(1 << (count - 1 - $0)) }
            let total = shares.reduce(0, +)
            var split = shares.map { max(1, Int((Double(iterations) * $0 / total).rounded(.down))) }
            split[0] += max(0, iterations - split.reduce(0, +))
            its = split
        }
        steps = zip(sides, its).map { Step(side: $0, iterations: $1) }
    }

    /// Total objective evaluations.
    public var iterations: Int { steps.reduce(0) { $0 + $1.iterations } }
}

import PincelCore
import PincelWeights
import PincelImaging
internal import PincelDNNL

/// The documented range of every numeric transfer setting. ``TransferOptions/validate(styleCount:)``
/// checks them before anything is computed from them, so nothing derived (pixel counts, buffer
/// sizes, the scale plan) can overflow or allocate without limit.
public enum TransferLimits {
    /// Longer side of the result, pixels (and `size²` at most ``TransferOptions/maxPixels``).
    public static let size = 32...16384
    /// Objective evaluations in all, and at any one scale.
    public static let iterations = 1...ScalePlan.maximumIterations
    /// L-BFGS history pairs.
    public static let history = 1...1000
    /// Levels of the scale-space preconditioner.
    public static let preconditionLevels = 0...12
    /// Compute threads (more only oversubscribe the cores).
    public static let threads = 1...ComputeThreads.maximum
    /// Pixels of an input image.
    public static let maxPixels = 1024...1_000_000_000
    /// Style image size relative to ``size`` (exclusive lower bound 0).
    public static let styleScale: ClosedRange<Float> = 0...4
    /// Evaluations over which the convergence test measures progress.
    public static let convergenceWindow = 1...10_000

    /// The scales allowed for a longer side of `size` pixels (the smallest at least 32 px).
    public static func scales(size: Int) -> ClosedRange<Int> { 1...max(1, ScalePlan.maximumScales(size: size)) }
}

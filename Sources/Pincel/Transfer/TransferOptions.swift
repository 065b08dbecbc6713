/// How the starting image is made.
public enum InitialImage: Sendable, Equatable {
    /// Small Gaussian noise around mid-grey.
    case noise
    /// The content image.
    case content
    /// The (first) style image, resized to the content's size.
    case style
    /// Another image (a file or pixels), resized to the content's size.
    case image(ImageSource)

    /// Parses `noise`, `content`, `style` (any case), or a path (any other text; `./noise`
    /// for a file of that name).
    public init(argument: String) {
        switch argument.lowercased() {
        case "noise": self = .noise
        case "content": self = .content
        case "style": self = .style
        default: self = .image(.file(argument))
        }
    }
}

/// Colour preservation (Gatys et al. 2016, "Preserving Color in Neural Artistic Style Transfer").
public enum ColorPreservation: String, Sendable, CaseIterable {
    /// Keep the painting's colours.
    case none
    /// Optimise luminance only (style luminance matched to the content's mean and spread),
    /// then put the content's chroma back.
    case luminance
    /// Match the style image's colours to the content's mean and covariance first.
    case match
    /// After optimising, keep the result's luminance (Y) and the content's chroma (UV).
    case yuv
}

public enum OptimizerKind: String, Sendable, CaseIterable {
    case lbfgs, adam
}

/// Every setting of a style transfer. The defaults are the benchmark objective.
public struct TransferOptions: Sendable {
    /// Longer side of the content image (and of the result), pixels (``TransferLimits/size``).
    public var size = 512
    /// Objective evaluations.
    public var iterations = 1000
    public var contentWeight: Float = 5
    public var styleWeight: Float = 100
    public var tvWeight: Float = 1e-3
    public var tvNorm: TotalVariationLoss.Norm = .l2
    public var initial: InitialImage = .noise
    public var optimizer: OptimizerKind = .lbfgs
    /// Step length (L-BFGS) or learning rate (Adam).
    public var learningRate: Float?
    /// L-BFGS history (pairs), capped so the history holds at most ``historyMemoryLimit`` bytes.
    public var history = 100
    /// Bytes the L-BFGS history may use (1 GiB: the full 100 pairs up to about 800x800,
    /// 10 pairs at 2048x2048).
    public var historyMemoryLimit = 1 << 30

    /// Levels of L-BFGS's scale-space preconditioner (``ScaleSpacePreconditioner``); `0` for
    /// plain L-BFGS (`H0` a multiple of the identity, as torch's). The default 6 lets broad colour
    /// changes move about as fast as fine texture: at 512 px, 150 iterations reach a 4–25% lower
    /// objective than plain L-BFGS (BENCHMARKS.md).
    public var preconditionLevels = 6

    /// The history length used for `variables` unknowns.
    public func effectiveHistory(variables: Int) -> Int {
        min(history, max(5, historyMemoryLimit / max(1, 8 * variables)))
    }
    /// Keep pixels in 0…255 during optimisation.
    public var bounded = true
    /// Seed of the noise start; `nil` draws one (``TransferResult/seed`` reports it).
    public var seed: UInt64? = nil
    /// Blend weights, one per style image (normalised to sum 1).
    public var styleBlend: [Float]? = nil
    /// Style image longer side = `size * styleScale`.
    public var styleScale: Float = 1
    public var contentLayers = [WeightedLayer(name: "relu4_2")]
    public var styleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"].map { WeightedLayer(name: $0) }
    public var colors: ColorPreservation = .none
    public var network = NetworkOptions()
    /// Coarse-to-fine scales: `nil` = automatic (see ``ScalePlan``), 1 = single scale.
    public var scales: Int? = nil
    /// Iterations per scale, smallest first (overrides the automatic split).
    public var scaleIterations: [Int]? = nil
    /// Convergence: a scale ends early once its objective fell by less than this fraction over
    /// the last ``convergenceWindow`` evaluations (the lowest value so far, so rejected trials do
    /// not count); `0` runs every scale to its iteration cap. See BENCHMARKS.md, "Convergence
    /// and defaults", for the measured cost (objective) and saving (time).
    public var convergenceTolerance: Float = 1e-3
    /// Evaluations over which ``convergenceTolerance`` measures the progress.
    public var convergenceWindow = 20
    /// Maximum pixels of an input image.
    public var maxPixels = 100_000_000

    public init() {}

    /// The effective learning rate: 1 for L-BFGS, 10 for Adam unless set.
    public var effectiveLearningRate: Float { learningRate ?? (optimizer == .lbfgs ? 1 : 10) }
}

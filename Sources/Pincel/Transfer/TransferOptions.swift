import PincelCore
import PincelWeights
import PincelImaging

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
    /// The instant network's picture of the content in the styles' blend
    /// (``InstantStylizer``, with the models ``InstantStylizer/shared()`` finds). A photo with
    /// a side under ``InstantStylizer/minimumSide`` pixels, too thin for the network, starts
    /// from itself (as ``content``).
    case instant

    /// Parses `noise`, `content`, `style`, `instant` (any case), or a path (any other text; `./noise`
    /// for a file of that name).
    package init(argument: String) {
        switch argument.lowercased() {
        case "noise": self = .noise
        case "content": self = .content
        case "style": self = .style
        case "instant": self = .instant
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

/// The optimiser of a transfer.
public enum OptimizerKind: String, Sendable, CaseIterable {
    /// L-BFGS (``LBFGS``): bounded, preconditioned, monotone; the default.
    case lbfgs
    /// Adam (``Adam``), learning rate 10 unless set.
    case adam
}

/// Every setting of a style transfer. The defaults are the benchmark objective.
public struct TransferOptions: Sendable {
    /// Longer side of the content image (and of the result), pixels (``TransferLimits/size``).
    public var size = 512
    /// Objective evaluations over all scales: the cap, since the convergence test usually ends
    /// a run earlier (``TransferLimits/iterations``).
    public var iterations = 500
    /// Weight of the content term (α), finite and at least 0; 0 drops the term.
    public var contentWeight: Float = 5
    /// Weight of the style term (β), finite and at least 0; 0 drops the term.
    public var styleWeight: Float = 100
    /// Weight of the total-variation term, finite and at least 0.
    public var tvWeight: Float = 1e-3
    /// The total-variation penalty: squared (`.l2`) or smoothed absolute (`.l1(smoothing:)`)
    /// neighbour differences.
    public var tvNorm: TotalVariationLoss.Norm = .l2
    /// The starting image. The library's default is the paper's noise, which needs nothing but
    /// the VGG19 weights; `pincel` starts from ``InitialImage/instant`` when the instant models
    /// are installed: it reaches the noise start's objective in a third to a half of the
    /// evaluations (BENCHMARKS.md, "Which start?").
    public var initial: InitialImage = .noise
    /// The optimiser.
    public var optimizer: OptimizerKind = .lbfgs
    /// Step length (L-BFGS) or learning rate (Adam), above 0; `nil` for the default
    /// (``effectiveLearningRate``).
    public var learningRate: Float?
    /// L-BFGS history (pairs), capped so the history holds at most ``historyMemoryLimit`` bytes
    /// (``TransferLimits/history``).
    public var history = 100
    /// Bytes the L-BFGS history may use (1 GiB: the full 100 pairs up to about 800x800,
    /// 10 pairs at 2048x2048).
    public var historyMemoryLimit = 1 << 30

    /// Levels of L-BFGS's scale-space preconditioner (``ScaleSpacePreconditioner``); `0` for
    /// plain L-BFGS (`H0` a multiple of the identity, as torch's). The default 6 lets broad colour
    /// changes move about as fast as fine texture: the same iterations reach a lower objective
    /// than plain L-BFGS (BENCHMARKS.md). ``TransferLimits/preconditionLevels``.
    public var preconditionLevels = 6

    /// The history length used for `variables` unknowns (pixels × channels): ``history``,
    /// lowered so the pairs fit in ``historyMemoryLimit``, and at least 5.
    public func effectiveHistory(variables: Int) -> Int {
        min(history, max(5, historyMemoryLimit / max(1, 8 * variables)))
    }
    /// Keep pixels in 0…255 during optimisation.
    public var bounded = true
    /// Seed of the noise start; `nil` draws one (``TransferResult/seed`` reports it).
    public var seed: UInt64? = nil
    /// Blend weights, one per style image, finite and at least 0, not all 0 (normalised to
    /// sum 1); `nil` weighs the styles equally.
    public var styleBlend: [Float]? = nil
    /// Style images' longer side = `size * styleScale` pixels (at least 32), above 0 and at
    /// most 4 (``TransferLimits/styleScale``).
    public var styleScale: Float = 1
    /// The layers of the content term and their weights (Gatys et al.: `relu4_2`); empty only
    /// with ``contentWeight`` 0.
    public var contentLayers = [WeightedLayer(name: "relu4_2")]
    /// The layers of the style term and their weights (Gatys et al.: `relu1_1` … `relu5_1`);
    /// empty only with ``styleWeight`` 0.
    public var styleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"].map { WeightedLayer(name: $0) }
    /// Colour preservation.
    public var colors: ColorPreservation = .none
    /// The network's settings: pooling, convolution algorithm, precision, threads. Its
    /// ``NetworkOptions/tapLayout`` does not apply: a transfer reads its taps channels-last
    /// (the Gram products run faster), which changes no result beyond rounding.
    public var network = NetworkOptions()
    /// Coarse-to-fine scales: `nil` = automatic (see ``ScalePlan``), 1 = single scale
    /// (``TransferLimits/scales(size:)``).
    public var scales: Int? = nil
    /// Iterations per scale, smallest first (overrides the automatic split and
    /// ``iterations``); each in ``TransferLimits/iterations``.
    public var scaleIterations: [Int]? = nil
    /// Convergence: a scale ends early once its objective fell by less than this fraction over
    /// the last ``convergenceWindow`` evaluations (the lowest value so far, so rejected trials do
    /// not count); `0` runs every scale to its iteration cap. See BENCHMARKS.md, "Convergence
    /// and defaults", for the measured cost (objective) and saving (time).
    public var convergenceTolerance: Float = 2e-3
    /// Evaluations over which ``convergenceTolerance`` measures the progress
    /// (``TransferLimits/convergenceWindow``).
    public var convergenceWindow = 20
    /// Maximum pixels (width × height) of an input image; also bounds `size²`
    /// (``TransferLimits/maxPixels``).
    public var maxPixels = 100_000_000

    /// The defaults: the objective of the benchmarks (BENCHMARKS.md).
    public init() {}

    /// The effective learning rate: 1 for L-BFGS, 10 for Adam unless set.
    public var effectiveLearningRate: Float { learningRate ?? (optimizer == .lbfgs ? 1 : 10) }
}

/// The settings of a transfer that validation can refuse, named in the library's own terms
/// (a front end maps them to its flags or form fields).
public enum TransferSetting: String, Sendable, CaseIterable {
    /// ``TransferRequest/content``.
    case content
    /// ``TransferRequest/styles``.
    case styles
    /// ``TransferOptions/size``.
    case size
    /// ``TransferOptions/maxPixels``.
    case maxPixels
    /// ``TransferOptions/iterations``.
    case iterations
    /// ``TransferOptions/scales``.
    case scales
    /// ``TransferOptions/scaleIterations``.
    case scaleIterations
    /// ``TransferOptions/contentWeight``.
    case contentWeight
    /// ``TransferOptions/styleWeight``.
    case styleWeight
    /// ``TransferOptions/tvWeight``.
    case tvWeight
    /// ``TransferOptions/styleScale``.
    case styleScale
    /// ``TransferOptions/styleBlend``.
    case styleBlend
    /// ``TransferOptions/contentLayers``.
    case contentLayers
    /// ``TransferOptions/styleLayers``.
    case styleLayers
    /// ``TransferOptions/learningRate``.
    case learningRate
    /// ``TransferOptions/history``.
    case history
    /// ``TransferOptions/preconditionLevels``.
    case preconditionLevels
    /// ``NetworkOptions/threads`` of ``TransferOptions/network``.
    case threads
    /// ``TransferOptions/convergenceTolerance``.
    case convergenceTolerance
    /// ``TransferOptions/convergenceWindow``.
    case convergenceWindow
    /// The image of an ``InitialImage/image(_:)`` start (``TransferOptions/initial``).
    case initialImage

    /// Human words for the setting: "style blend", "maximum pixels".
    public var words: String {
        switch self {
        case .content: "content image"
        case .styles: "style images"
        case .size: "size"
        case .maxPixels: "maximum pixels"
        case .iterations: "iterations"
        case .scales: "scales"
        case .scaleIterations: "iterations per scale"
        case .contentWeight: "content weight"
        case .styleWeight: "style weight"
        case .tvWeight: "total-variation weight"
        case .styleScale: "style scale"
        case .styleBlend: "style blend"
        case .contentLayers: "content layers"
        case .styleLayers: "style layers"
        case .learningRate: "learning rate"
        case .history: "history"
        case .preconditionLevels: "preconditioner levels"
        case .threads: "threads"
        case .convergenceTolerance: "convergence tolerance"
        case .convergenceWindow: "convergence window"
        case .initialImage: "initial image"
        }
    }
}

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

import PincelCore
import PincelWeights
import PincelImaging

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
    /// ``SpatialControl/styleMasks`` of ``TransferRequest/spatial``.
    case styleMasks
    /// ``SpatialControl/styleRegions`` of ``TransferRequest/spatial``.
    case styleRegions
    /// ``SpatialControl/mask`` of ``TransferRequest/spatial``.
    case mask
    /// ``InstantTransfer/strength``.
    case instantStrength

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
        case .styleMasks: "style masks"
        case .styleRegions: "style regions"
        case .mask: "mask"
        case .instantStrength: "instant strength"
        }
    }
}

/// The settings of a video transfer that validation can refuse beyond the per-frame ones
/// (`TransferSetting`), named in the library's own terms (a front end maps them to its flags
/// or form fields).
public enum VideoSetting: String, Sendable, CaseIterable {
    /// ``VideoOptions/iterations``.
    case iterations
    /// ``VideoOptions/temporalWeight``.
    case temporalWeight
    /// ``VideoOptions/longTermFrames``.
    case longTermFrames
    /// ``VideoOptions/frames``.
    case frames
    /// ``VideoOptions/frameRate``.
    case frameRate
    /// ``VideoRequest/output``.
    case output
    /// ``InstantVideoTransfer/temporalBlend``.
    case instantBlend

    /// Human words for the setting: "temporal weight", "frame range".
    public var words: String {
        switch self {
        case .iterations: "iterations per later frame"
        case .temporalWeight: "temporal weight"
        case .longTermFrames: "long-term frame offsets"
        case .frames: "frame range"
        case .frameRate: "frame rate"
        case .output: "output"
        case .instantBlend: "instant temporal blend"
        }
    }
}

import PincelCore

/// Errors of the style-transfer pipeline.
public enum TransferError: Error, CustomStringConvertible, Equatable {
    /// A setting outside its range or inconsistent with another; the text completes a sentence
    /// that starts with the setting's ``TransferSetting/words``: `size` + `must be between 32
    /// and 16384, got 5`. The text may name other settings (a ``SettingReason``), which a front
    /// end renders in its own terms with ``SettingReason/text(naming:)``.
    case invalidSetting(TransferSetting, SettingReason)
    /// Another invalid request (a malformed layer list, a shape that does not fit).
    case invalidOption(String)
    /// The objective became NaN or infinite at this evaluation.
    case nonFinite(iteration: Int)

    /// The error in one line, in the library's terms.
    public var description: String { OneLine.sanitize(rawDescription) }

    private var rawDescription: String {
        switch self {
        case .invalidSetting(let setting, let reason): return "\(setting.words) \(reason)"
        case .invalidOption(let what): return "invalid option: \(what)"
        case .nonFinite(let i):
            return "the loss became NaN or infinite at iteration \(i); try a smaller learning rate or lower loss weights (the last finite image was kept)"
        }
    }
}

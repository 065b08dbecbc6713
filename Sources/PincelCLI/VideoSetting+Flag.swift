import PincelVideo

extension VideoSetting {
    /// The flag that sets this on `pincel video`'s command line.
    var flag: String {
        switch self {
        case .iterations: "--iterations"
        case .temporalWeight: "--temporal-weight"
        case .longTermFrames: "--long-term"
        case .frames: "--frames"
        case .frameRate: "--frame-rate"
        case .output: "--output"
        case .instantBlend: "--instant-blend"
        }
    }
}

extension VideoError {
    /// The error in the command line's terms: a refused setting is named by its flag
    /// (`--temporal-weight must be finite and at least 0, got -1`); any other error is its
    /// description.
    var commandLineText: String {
        guard case .invalidSetting(let setting, let reason) = self else { return description }
        return "\(setting.flag) \(reason)"
    }
}

import Pincel

/// One line for any error a transfer throws (GettingStarted.md, "Reading errors").
func explain(_ error: any Error) -> String {
    switch error {
    case TransferError.invalidSetting(let setting, let reason):
        return "invalid \(setting.rawValue): \(setting.words) \(reason)"
    case let failure as TransferFailure:
        return "\(failure.error) (failure.lastImage holds the last finite image)"
    case is CancellationError:
        return "cancelled before the first evaluation: there is no image yet"
    case let error as WeightsError:
        return "weights: \(error)"
    case let error as ImageError:
        return "image: \(error)"
    default:
        return "\(error)"
    }
}

/// A refused setting's reason in the library's words and with the settings it names as flags.
func reasonInTwoVoices() -> (words: String, flags: String) {
    let reason: SettingReason = "is above the pixel limit; see \(the: .maxPixels)"
    let words = reason.description                  // "is above the pixel limit; see the maximum pixels"
    let flags = reason.text { "--" + $0.rawValue }  // "is above the pixel limit; see --maxPixels"
    return (words, flags)
}

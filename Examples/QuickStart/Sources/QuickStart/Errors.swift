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

import Pincel

/// The weights for a command: `--weights`, then `$PINCEL_WEIGHTS`, then the cache `make weights`
/// fills; the library's errors get the command line's way out appended.
enum CommandLineWeights {
    static func path(_ explicit: String?) throws -> String {
        do { return try WeightsLocator.resolve(explicit: explicit) } catch let error as WeightsError {
            throw WeightsErrorWithHint(error: error)
        }
    }

    static func load(_ explicit: String?) throws -> VGG19Weights {
        let file = try path(explicit)
        do { return try VGG19Weights.load(contentsOf: file) } catch let error as WeightsError {
            throw WeightsErrorWithHint(error: error)
        }
    }
}

/// A weights error with what to type: `make weights`, or `--weights PATH`.
struct WeightsErrorWithHint: Error, CustomStringConvertible {
    let error: WeightsError
    var description: String {
        let hint = switch error {
        case .notFound: "run `make weights` to download them, or pass --weights PATH"
        case .missingFile: "fix --weights, or run `make weights` and drop --weights"
        case .unreadable: "check --weights and the file's permissions"
        default: "run `make weights` for the default weights file"
        }
        return OneLine.sanitize("\(error.description) (\(hint))")
    }
}

/// Problems reported by the loss terms. (A failing matrix product throws its backend's error.)
public enum LossError: Error, CustomStringConvertible, Equatable {
    /// Two buffers that must agree in size do not.
    case sizeMismatch(what: String, expected: Int, actual: Int)
    /// An argument is out of range.
    case invalidArgument(String)

    /// The error in one line.
    public var description: String {
        switch self {
        case let .sizeMismatch(what, expected, actual):
            return "loss: \(what) has \(actual) values, expected \(expected); check that the image and targets were computed at the same size"
        case let .invalidArgument(message):
            return "loss: \(message)"
        }
    }
}

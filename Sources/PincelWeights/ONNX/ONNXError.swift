import PincelCore

/// Everything that can go wrong while reading an ONNX model file.
///
/// Each `description` is one line naming the problem and what to do.
public enum ONNXError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is not there or cannot be read.
    case unreadable(path: String, reason: String)
    /// The bytes end before what they announce.
    case truncated(String)
    /// The bytes are not a well-formed ONNX model.
    case malformed(String)
    /// A well-formed model that uses what this reader does not support (an operator, a
    /// data type, external data).
    case unsupported(String)
    /// A model whose graph is not the network it should be (wrong inputs, shapes, values).
    case unexpectedGraph(String)

    /// One line of at most about 2000 characters, whatever the file put in names.
    public var description: String { OneLine.sanitize(rawDescription) }

    private var rawDescription: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the instant model \(path): \(reason); run `make weights` (or set PINCEL_INSTANT_MODELS to their folder)"
        case .truncated(let detail):
            return "instant model file is truncated (\(detail)); run `make weights` to fetch it again"
        case .malformed(let detail):
            return "instant model file is malformed (\(detail)); run `make weights` to fetch it again"
        case .unsupported(let detail):
            return "instant model uses what Pincel does not support (\(detail))"
        case .unexpectedGraph(let detail):
            return "instant model is not the expected network (\(detail)); run `make weights` to fetch it again"
        }
    }

    /// The same error with the file's path in front of its detail.
    func at(_ path: String) -> ONNXError {
        switch self {
        case .unreadable: return self
        case .truncated(let d): return .truncated("\(path): \(d)")
        case .malformed(let d): return .malformed("\(path): \(d)")
        case .unsupported(let d): return .unsupported("\(path): \(d)")
        case .unexpectedGraph(let d): return .unexpectedGraph("\(path): \(d)")
        }
    }
}

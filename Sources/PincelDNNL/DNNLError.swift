import PincelCore
import PincelWeights
internal import CDNNL

/// A oneDNN call failed.
public struct DNNLError: Error, CustomStringConvertible, Equatable {
    /// oneDNN's status code (`dnnl_status_t` raw value).
    public let status: Int
    /// The operation that failed.
    public let operation: String

    /// The operation and oneDNN's status in words.
    public var description: String {
        "oneDNN failed in \(operation): \(Self.name(of: status))"
    }

    /// True when oneDNN has no implementation for the requested configuration.
    public var isUnimplemented: Bool { status == Int(dnnl_unimplemented.rawValue) }

    static func name(of status: Int) -> String {
        switch UInt32(truncatingIfNeeded: status) {
        case dnnl_out_of_memory.rawValue: return "out of memory"
        case dnnl_invalid_arguments.rawValue: return "invalid arguments"
        case dnnl_unimplemented.rawValue: return "no implementation for this configuration"
        case dnnl_runtime_error.rawValue: return "runtime error"
        default: return "status \(status)"
        }
    }
}

/// Turns a oneDNN status into a thrown ``DNNLError``; the one place that does so.
@inline(__always)
func dnnlCheck(_ status: dnnl_status_t, _ operation: @autoclosure () -> String) throws {
    if status != dnnl_success {
        throw DNNLError(status: Int(status.rawValue), operation: operation())
    }
}

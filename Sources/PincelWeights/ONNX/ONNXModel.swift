import PincelCore

/// An ONNX model as Pincel reads it: the graph of one network, its constants decoded.
///
/// Only what running a convolutional network needs is kept: nodes in file order, named
/// constant tensors (initializers), the graph's inputs and outputs, and the opset version.
public struct ONNXModel: Sendable {
    /// The default domain's operator-set version (`opset_import`).
    public var opsetVersion: Int
    /// The network.
    public var graph: ONNXGraph
}

/// A computation graph: nodes that read and write named values.
public struct ONNXGraph: Sendable {
    /// Operators, in the order the file lists them (ONNX requires a topological order).
    public var nodes: [ONNXNode]
    /// Constant tensors by name.
    public var initializers: [String: ONNXTensor]
    /// The values a caller supplies (initializers excluded).
    public var inputs: [ONNXValueInfo]
    /// The values the graph computes for the caller.
    public var outputs: [ONNXValueInfo]
}

/// A named graph input or output with its declared shape (`nil` for a symbolic dimension).
public struct ONNXValueInfo: Sendable, Equatable {
    /// The value's name.
    public var name: String
    /// The declared dimensions, outermost first; `nil` where the file gives a name instead.
    public var shape: [Int?]
}

/// One operator application.
public struct ONNXNode: Sendable {
    /// The operator, e.g. `Conv`.
    public var opType: String
    /// The operator's domain; empty for the default ONNX domain.
    public var domain: String
    /// Names of the values read (an empty name is an omitted optional input).
    public var inputs: [String]
    /// Names of the values written.
    public var outputs: [String]
    /// The operator's attributes by name.
    public var attributes: [String: ONNXAttribute]
}

/// An operator attribute.
public enum ONNXAttribute: Sendable, Equatable {
    /// One integer.
    case int(Int)
    /// A list of integers.
    case ints([Int])
    /// One float.
    case float(Float)
    /// A list of floats.
    case floats([Float])
    /// Bytes, as text.
    case string(String)
    /// A constant tensor.
    case tensor(ONNXTensor)
    /// A kind this reader keeps no value of (graphs, sparse tensors, type protos).
    case other
}

/// A constant tensor, its values converted to `Float` (every integer type ONNX models use
/// for weights, zero points and shapes is exact in a float up to 2^24; larger `int64`
/// values, which only shapes hold, are kept exactly in ``integers``).
public struct ONNXTensor: Sendable, Equatable {
    /// ONNX's element types that this reader decodes.
    public enum ElementType: Int, Sendable {
        /// 32-bit float.
        case float = 1
        /// Unsigned byte.
        case uint8 = 2
        /// Signed byte.
        case int8 = 3
        /// 32-bit integer.
        case int32 = 6
        /// 64-bit integer.
        case int64 = 7
    }

    /// The tensor's name.
    public var name: String
    /// Dimensions, outermost first (empty for a scalar).
    public var shape: [Int]
    /// The element type in the file.
    public var elementType: ElementType
    /// The values in row-major order, as floats.
    public var values: [Float]
    /// The values as integers, for integer tensors (shapes, pads, axes); empty for floats.
    public var integers: [Int]

    /// Number of elements.
    public var count: Int { values.count }
}

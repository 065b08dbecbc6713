import Foundation
import PincelCore

/// Reads an ONNX model (`ModelProto`, protocol-buffers encoded) into an ``ONNXModel``.
///
/// A reader of its own rather than generated code: it decodes the five messages a
/// convolutional network needs (model, graph, node, attribute, tensor, plus value infos),
/// skips everything else, and checks every count, size and shape against ``Limits`` so a
/// hostile file is refused with one line instead of exhausting memory.
public enum ONNXModelReader {
    /// Bounds on what a file may announce.
    public enum Limits {
        /// Largest model file read (bytes).
        public static let fileBytes = 256 << 20
        /// Most dimensions of one tensor.
        public static let rank = 8
        /// Most elements of one tensor.
        public static let elements = 1 << 26
        /// Most nodes in a graph.
        public static let nodes = 100_000
    }

    /// Reads and decodes the model at `path`.
    public static func read(path: String) throws -> ONNXModel {
        let url = URL(fileURLWithPath: path)
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
                throw ONNXError.unreadable(path: path, reason: "not a regular file")
            }
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch let error as ONNXError {
            throw error
        } catch {
            throw ONNXError.unreadable(path: path, reason: "no such file")
        }
        guard size <= Limits.fileBytes else {
            throw ONNXError.malformed("\(path): \(size) bytes, more than the \(Limits.fileBytes) an instant model may have")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ONNXError.unreadable(path: path, reason: error.localizedDescription)
        }
        do { return try decode([UInt8](data)) } catch let error as ONNXError { throw error.at(path) }
    }

    /// Decodes a model from its bytes.
    public static func decode(_ bytes: [UInt8]) throws -> ONNXModel {
        guard !bytes.isEmpty else { throw ONNXError.truncated("the file is empty") }
        var reader = ProtobufReader(bytes: bytes, range: 0 ..< bytes.count, context: "model")
        var opset: Int?
        var graph: ONNXGraph?
        while let (number, value) = try reader.next() {
            switch (number, value) {
            case (7, .bytes(let r)): graph = try decodeGraph(reader.message(r, context: "graph"))
            case (8, .bytes(let r)):
                let (domain, version) = try decodeOpset(reader.message(r, context: "opset_import"))
                if domain.isEmpty || domain == "ai.onnx" { opset = version }
            default: continue
            }
        }
        guard let graph else { throw ONNXError.malformed("no graph") }
        guard let opset else { throw ONNXError.malformed("no opset_import for the ONNX domain") }
        return ONNXModel(opsetVersion: opset, graph: graph)
    }

    private static func decodeOpset(_ message: ProtobufReader) throws -> (String, Int) {
        var reader = message
        var domain = "", version = 0
        while let (number, value) = try reader.next() {
            switch (number, value) {
            case (1, .bytes(let r)): domain = try reader.string(r)
            case (2, .varint(let v)): version = Int(truncatingIfNeeded: v)
            default: continue
            }
        }
        return (domain, version)
    }

    private static func decodeGraph(_ message: ProtobufReader) throws -> ONNXGraph {
        var reader = message
        var nodes: [ONNXNode] = []
        var initializers: [String: ONNXTensor] = [:]
        var inputs: [ONNXValueInfo] = [], outputs: [ONNXValueInfo] = []
        while let (number, value) = try reader.next() {
            guard let r = value.range else { continue }
            switch number {
            case 1:
                guard nodes.count < Limits.nodes else { throw ONNXError.malformed("more than \(Limits.nodes) nodes") }
                nodes.append(try decodeNode(reader.message(r, context: "node \(nodes.count)")))
            case 5:
                let tensor = try ONNXTensorDecoder.decode(reader.message(r, context: "initializer \(initializers.count)"))
                guard initializers[tensor.name] == nil else { throw ONNXError.malformed("two initializers named \(tensor.name)") }
                initializers[tensor.name] = tensor
            case 11: inputs.append(try decodeValueInfo(reader.message(r, context: "graph input")))
            case 12: outputs.append(try decodeValueInfo(reader.message(r, context: "graph output")))
            default: continue
            }
        }
        inputs.removeAll { initializers[$0.name] != nil }
        return ONNXGraph(nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs)
    }

    private static func decodeNode(_ message: ProtobufReader) throws -> ONNXNode {
        var reader = message
        var node = ONNXNode(opType: "", domain: "", inputs: [], outputs: [], attributes: [:])
        while let (number, value) = try reader.next() {
            guard let r = value.range else { continue }
            switch number {
            case 1: node.inputs.append(try reader.string(r))
            case 2: node.outputs.append(try reader.string(r))
            case 4: node.opType = try reader.string(r)
            case 7: node.domain = try reader.string(r)
            case 5:
                let (name, attribute) = try decodeAttribute(reader.message(r, context: "\(reader.context) attribute"))
                node.attributes[name] = attribute
            default: continue
            }
        }
        guard !node.opType.isEmpty else { throw ONNXError.malformed("\(reader.context) has no op_type") }
        return node
    }

    private static func decodeAttribute(_ message: ProtobufReader) throws -> (String, ONNXAttribute) {
        var reader = message
        var name = ""
        var type = 0
        var int: Int?, float: Float?, text: String?, tensor: ONNXTensor?
        var ints: [Int] = [], floats: [Float] = []
        while let (number, value) = try reader.next() {
            switch (number, value) {
            case (1, .bytes(let r)): name = try reader.string(r)
            case (20, .varint(let v)): type = Int(truncatingIfNeeded: v)
            case (2, .fixed32(let bits)): float = Float(bitPattern: bits)
            case (3, .varint(let v)): int = Int(truncatingIfNeeded: v)
            case (4, .bytes(let r)): text = try reader.string(r, limit: 1 << 16)
            case (5, .bytes(let r)): tensor = try ONNXTensorDecoder.decode(reader.message(r, context: "attribute tensor"))
            case (7, .fixed32(let bits)): floats.append(Float(bitPattern: bits))
            case (7, .bytes(let r)): floats += try reader.packedFixed32(r).map(Float.init(bitPattern:))
            case (8, .varint(let v)): ints.append(Int(truncatingIfNeeded: v))
            case (8, .bytes(let r)): ints += try reader.packedVarints(r).map { Int(truncatingIfNeeded: $0) }
            default: continue
            }
            guard ints.count <= Limits.elements, floats.count <= Limits.elements else {
                throw ONNXError.malformed("attribute \(name) has too many values")
            }
        }
        // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7.
        switch type {
        case 1: return (name, .float(float ?? 0))
        case 2: return (name, .int(int ?? 0))
        case 3: return (name, .string(text ?? ""))
        case 4:
            guard let tensor else { throw ONNXError.malformed("attribute \(name) of type tensor has none") }
            return (name, .tensor(tensor))
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        default: return (name, .other)
        }
    }

    private static func decodeValueInfo(_ message: ProtobufReader) throws -> ONNXValueInfo {
        var reader = message
        var info = ONNXValueInfo(name: "", shape: [])
        while let (number, value) = try reader.next() {
            guard let r = value.range else { continue }
            switch number {
            case 1: info.name = try reader.string(r)
            case 2: info.shape = try shape(ofType: reader.message(r, context: "type of \(info.name)"))
            default: continue
            }
        }
        return info
    }

    /// `TypeProto.tensor_type(1).shape(2).dim(1).dim_value(1)`.
    private static func shape(ofType message: ProtobufReader) throws -> [Int?] {
        var reader = message
        var dims: [Int?] = []
        while let (number, value) = try reader.next() {
            guard number == 1, let r = value.range else { continue }
            var tensorType = reader.message(r, context: reader.context)
            while let (n2, v2) = try tensorType.next() {
                guard n2 == 2, let r2 = v2.range else { continue }
                var shapeReader = tensorType.message(r2, context: reader.context)
                while let (n3, v3) = try shapeReader.next() {
                    guard n3 == 1, let r3 = v3.range else { continue }
                    var dim = shapeReader.message(r3, context: reader.context)
                    var size: Int?
                    while let (n4, v4) = try dim.next() { if n4 == 1, let v = v4.int { size = v } }
                    guard dims.count < Limits.rank else { throw ONNXError.malformed("\(reader.context): more than \(Limits.rank) dimensions") }
                    dims.append(size)
                }
            }
        }
        return dims
    }
}

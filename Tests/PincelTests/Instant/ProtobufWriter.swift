/// Writes protocol-buffers fields by hand, for ONNX reader tests: each message is the bytes of
/// its fields, concatenated (an independent encoder, not the reader's code run backwards).
enum Proto {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    static func key(_ field: Int, _ wire: Int) -> [UInt8] { varint(UInt64(field << 3 | wire)) }

    static func int(_ field: Int, _ value: Int) -> [UInt8] { key(field, 0) + varint(UInt64(bitPattern: Int64(value))) }
    static func uint(_ field: Int, _ value: UInt64) -> [UInt8] { key(field, 0) + varint(value) }
    static func bytes(_ field: Int, _ payload: [UInt8]) -> [UInt8] { key(field, 2) + varint(UInt64(payload.count)) + payload }
    static func string(_ field: Int, _ text: String) -> [UInt8] { bytes(field, Array(text.utf8)) }

    static func floatsLE(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0 ..< 4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
    }

    /// A `TensorProto`: dims, data_type, name, raw_data.
    static func tensor(name: String, dims: [Int], type: Int = 1, raw: [UInt8]) -> [UInt8] {
        dims.flatMap { int(1, $0) } + int(2, type) + string(8, name) + bytes(9, raw)
    }

    /// A `ValueInfoProto` of a float tensor with these dimensions.
    static func valueInfo(_ name: String, dims: [Int]) -> [UInt8] {
        let shape = dims.flatMap { bytes(1, int(1, $0)) }
        return string(1, name) + bytes(2, bytes(1, int(1, 1) + bytes(2, shape)))
    }

    /// A `ModelProto` (ir_version 8, opset 15) around a graph's fields.
    static func model(graph: [UInt8]) -> [UInt8] {
        int(1, 8) + bytes(8, string(1, "") + int(2, 15)) + bytes(7, graph)
    }

    /// y = Relu(x + w), w a float initializer [2] = [1.5, -2], x of shape [1, 2].
    static var tinyModel: [UInt8] {
        let add = string(1, "x") + string(1, "w") + string(2, "s") + string(4, "Add")
        let relu = string(1, "s") + string(2, "y") + string(4, "Relu")
        let graph = bytes(1, add) + bytes(1, relu) + string(2, "tiny")
            + bytes(5, tensor(name: "w", dims: [2], raw: floatsLE([1.5, -2])))
            + bytes(11, valueInfo("x", dims: [1, 2])) + bytes(12, valueInfo("y", dims: [1, 2]))
        return model(graph: graph)
    }

    /// A model whose graph holds one initializer.
    static func model(initializer: [UInt8]) -> [UInt8] {
        model(graph: bytes(1, string(1, "w") + string(2, "y") + string(4, "Relu")) + bytes(5, initializer))
    }
}

import PincelCore

/// Decodes a `TensorProto`: shape, element type and values (from `raw_data` or the typed
/// repeated fields), refusing shapes that overflow, exceed ``ONNXModelReader/Limits``, or
/// disagree with the number of values stored.
enum ONNXTensorDecoder {
    static func decode(_ message: ProtobufReader) throws -> ONNXTensor {
        var reader = message
        var dims: [Int] = []
        var type = 0
        var name = ""
        var raw: Range<Int>?
        var floatBits: [UInt32] = [], varints: [UInt64] = []
        while let (number, value) = try reader.next() {
            switch (number, value) {
            case (1, .varint(let v)): dims.append(Int(truncatingIfNeeded: v))
            case (1, .bytes(let r)): dims += try reader.packedVarints(r).map { Int(truncatingIfNeeded: $0) }
            case (2, .varint(let v)): type = Int(truncatingIfNeeded: v)
            case (8, .bytes(let r)): name = try reader.string(r)
            case (9, .bytes(let r)): raw = r
            case (4, .fixed32(let bits)): floatBits.append(bits)
            case (4, .bytes(let r)): floatBits += try reader.packedFixed32(r)
            case (5, .varint(let v)), (7, .varint(let v)): varints.append(v)
            case (5, .bytes(let r)), (7, .bytes(let r)): varints += try reader.packedVarints(r)
            case (14, .varint(let v)) where v != 0:
                throw ONNXError.unsupported("tensor \(name) keeps its data in an external file")
            default: continue
            }
            guard dims.count <= ONNXModelReader.Limits.rank else {
                throw ONNXError.malformed("\(reader.context): more than \(ONNXModelReader.Limits.rank) dimensions")
            }
            guard floatBits.count <= ONNXModelReader.Limits.elements, varints.count <= ONNXModelReader.Limits.elements else {
                throw ONNXError.malformed("\(reader.context): more than \(ONNXModelReader.Limits.elements) values")
            }
        }
        guard let elementType = ONNXTensor.ElementType(rawValue: type) else {
            throw ONNXError.unsupported("tensor \(name) has ONNX element type \(type)")
        }
        let count = try elementCount(dims, name: name)
        let integers: [Int]
        if let raw {
            integers = try decodeRaw(message.bytes[raw], type: elementType, count: count, name: name)
            if elementType == .float {
                let values = floats(fromRaw: message.bytes[raw])
                return ONNXTensor(name: name, shape: dims, elementType: elementType, values: values, integers: [])
            }
        } else if elementType == .float {
            guard floatBits.count == count else { throw mismatch(name, dims, floatBits.count) }
            return ONNXTensor(name: name, shape: dims, elementType: .float,
                              values: floatBits.map(Float.init(bitPattern:)), integers: [])
        } else {
            guard varints.count == count else { throw mismatch(name, dims, varints.count) }
            integers = varints.map { narrow(Int(truncatingIfNeeded: $0), to: elementType) }
        }
        return ONNXTensor(name: name, shape: dims, elementType: elementType,
                          values: integers.map { Float($0) }, integers: integers)
    }

    private static func elementCount(_ dims: [Int], name: String) throws -> Int {
        var count = 1
        for d in dims {
            guard d >= 0 else { throw ONNXError.malformed("tensor \(name) has a negative dimension \(d)") }
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o, p <= ONNXModelReader.Limits.elements else {
                throw ONNXError.malformed("tensor \(name) of shape \(dims) has more than \(ONNXModelReader.Limits.elements) elements")
            }
            count = p
        }
        return count
    }

    private static func mismatch(_ name: String, _ dims: [Int], _ stored: Int) -> ONNXError {
        .malformed("tensor \(name) of shape \(dims) stores \(stored) values")
    }

    private static func byteWidth(_ type: ONNXTensor.ElementType) -> Int {
        switch type {
        case .float, .int32: return 4
        case .uint8, .int8: return 1
        case .int64: return 8
        }
    }

    /// Integer values of raw little-endian data (empty for floats, decoded separately).
    private static func decodeRaw(_ bytes: ArraySlice<UInt8>, type: ONNXTensor.ElementType, count: Int,
                                  name: String) throws -> [Int] {
        let width = byteWidth(type)
        guard bytes.count == count * width else {
            throw ONNXError.malformed("tensor \(name) holds \(bytes.count) bytes of data, its shape needs \(count * width)")
        }
        if type == .float { return [] }
        var values = [Int](repeating: 0, count: count)
        let start = bytes.startIndex
        for i in 0 ..< count {
            var v: UInt64 = 0
            for b in 0 ..< width { v |= UInt64(bytes[start + i * width + b]) << (8 * UInt64(b)) }
            values[i] = narrow(Int(truncatingIfNeeded: v), to: type)
        }
        return values
    }

    /// Sign-extends a value read in `type`'s width.
    private static func narrow(_ v: Int, to type: ONNXTensor.ElementType) -> Int {
        switch type {
        case .int8: return Int(Int8(truncatingIfNeeded: v))
        case .uint8: return Int(UInt8(truncatingIfNeeded: v))
        case .int32: return Int(Int32(truncatingIfNeeded: v))
        case .int64, .float: return v
        }
    }

    private static func floats(fromRaw bytes: ArraySlice<UInt8>) -> [Float] {
        let count = bytes.count / 4
        var values = [Float](repeating: 0, count: count)
        let start = bytes.startIndex
        for i in 0 ..< count {
            let o = start + 4 * i
            let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return values
    }
}

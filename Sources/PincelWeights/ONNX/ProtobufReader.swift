import PincelCore

/// Reads the protocol-buffers wire format (the encoding of ONNX files) from a byte array, one
/// field at a time, checking every length against the bytes that are there.
///
/// Only what ONNX needs: varints, 32- and 64-bit fixed values, and length-delimited fields
/// (strings, bytes, nested messages, packed repeated numbers). Groups (wire types 3 and 4,
/// deprecated and unused by ONNX) are refused.
struct ProtobufReader {
    /// One field: its number and its value in the wire form.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// A length-delimited field: the byte range of its payload in the buffer.
        case bytes(Range<Int>)
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int
    /// Describes the message being read, for errors.
    let context: String

    init(bytes: [UInt8], range: Range<Int>, context: String) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
        self.context = context
    }

    var isAtEnd: Bool { position >= end }

    /// The next field, or `nil` at the end of the message.
    mutating func next() throws -> (number: Int, value: Value)? {
        guard position < end else { return nil }
        let key = try varint()
        let number = Int(key >> 3)
        guard number > 0, number < (1 << 29) else { throw ONNXError.malformed("\(context): field number \(key >> 3)") }
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 1: return (number, .fixed64(try fixed(8)))
        case 5: return (number, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw ONNXError.truncated("\(context): field \(number) announces \(length) bytes, \(end - position) remain")
            }
            let start = position
            position += Int(length)
            return (number, .bytes(start ..< position))
        default:
            throw ONNXError.malformed("\(context): field \(number) has wire type \(key & 7), which ONNX does not use")
        }
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ONNXError.truncated("\(context): a number runs past the end") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw ONNXError.malformed("\(context): a number longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func fixed(_ count: Int) throws -> UInt64 {
        guard end - position >= count else { throw ONNXError.truncated("\(context): a fixed-size number runs past the end") }
        var result: UInt64 = 0
        for i in 0 ..< count { result |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += count
        return result
    }

    /// A nested reader over a length-delimited field's payload.
    func message(_ range: Range<Int>, context: String) -> ProtobufReader {
        ProtobufReader(bytes: bytes, range: range, context: context)
    }

    /// The payload as UTF-8 text (invalid sequences repaired), at most `limit` bytes.
    func string(_ range: Range<Int>, limit: Int = 4096) throws -> String {
        guard range.count <= limit else { throw ONNXError.malformed("\(context): a name of \(range.count) bytes") }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Every varint in a packed field's payload.
    func packedVarints(_ range: Range<Int>) throws -> [UInt64] {
        var inner = message(range, context: context)
        var values: [UInt64] = []
        while !inner.isAtEnd { values.append(try inner.varint()) }
        return values
    }

    /// Every 32-bit value in a packed field's payload (floats' bit patterns).
    func packedFixed32(_ range: Range<Int>) throws -> [UInt32] {
        guard range.count % 4 == 0 else { throw ONNXError.malformed("\(context): packed floats of \(range.count) bytes") }
        var inner = message(range, context: context)
        var values: [UInt32] = []
        values.reserveCapacity(range.count / 4)
        while !inner.isAtEnd { values.append(UInt32(truncatingIfNeeded: try inner.fixed(4))) }
        return values
    }
}

extension ProtobufReader.Value {
    /// The value as a signed 64-bit integer (int64 / int32 / enum fields, two's complement).
    var int: Int? {
        if case .varint(let v) = self { return Int(truncatingIfNeeded: v) }
        return nil
    }

    /// The payload range of a length-delimited field.
    var range: Range<Int>? {
        if case .bytes(let r) = self { return r }
        return nil
    }
}

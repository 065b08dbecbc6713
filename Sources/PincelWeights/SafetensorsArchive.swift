import PincelCore
import Foundation

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the
/// end of the header), then the raw little-endian tensor bytes.
///
/// Checked as the format's specification requires: a header of at most 100 MB, no duplicate
/// names, and data ranges that tile the data section exactly (no overlap, no gap, no excess).
struct SafetensorsArchive: TensorArchive {
    static let dtypes: [String: WeightDType] = [
        "F32": .float32, "F16": .float16, "BF16": .bfloat16, "F64": .float64, "U8": .uint8, "I8": .int8,
        "I16": .int16, "I32": .int32, "I64": .int64, "BOOL": .bool,
    ]
    /// Largest header accepted: the specification allows 100 MB, a VGG19 file needs about 4 kB,
    /// and decoding 100 MB of JSON takes a minute and over 1 GB; 16 MB is still generous.
    static let maxHeaderBytes = 16 << 20
    /// Most header entries accepted (VGG19 with its classifier has 38 tensors); counted on the
    /// raw text before decoding.
    static let maxEntries = 65_536

    private struct HeaderEntry: Decodable {
        var dtype: String?
        var shape: [Int]?
        var data_offsets: [Int]?
    }

    let path: String
    let tensors: [String: StoredTensor]
    private let data: Data
    private let ranges: [String: Range<Int>]

    /// The header length in the first 8 bytes, or `nil` when the file is shorter.
    private static func headerLength(_ data: Data) -> UInt64? {
        guard data.count >= 8 else { return nil }
        return data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// Whether `data` starts like a safetensors file (plausible header length, then `{`).
    static func looksLike(_ data: Data) -> Bool {
        guard data.count >= 10, let n = headerLength(data) else { return false }
        return n >= 2 && n <= 100_000_000 && data[data.startIndex + 8] == UInt8(ascii: "{") // the format's own limit
    }

    init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let (header, bodyStart) = try Self.readHeader(data, path: path)
        let bodySize = data.endIndex - bodyStart
        var tensors: [String: StoredTensor] = [:]
        var ranges: [String: Range<Int>] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let typeName = entry.dtype, let shape = entry.shape, let offsets = entry.data_offsets,
                  offsets.count == 2, shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] >= offsets[0]
            else { throw WeightsError.malformed(path: path, detail: "safetensors entry \(name) lacks a valid dtype, shape or data_offsets") }
            guard let dtype = Self.dtypes[typeName] else {
                throw WeightsError.wrongDType(path: path, tensor: name, expected: "F32, F16, BF16, F64 or U8", actual: typeName)
            }
            let tensor = StoredTensor(dtype: dtype, shape: shape, strides: StoredTensor.contiguousStrides(shape), offset: 0, storageKey: name)
            guard let needed = tensor.requiredStorageBytes, offsets[1] - offsets[0] == needed else {
                throw WeightsError.malformed(path: path, detail: "safetensors entry \(name) spans \(offsets[1] - offsets[0]) bytes, which does not fit shape \(shape) of \(typeName)")
            }
            guard offsets[1] <= bodySize else {
                throw WeightsError.truncated(path: path, detail: "tensor \(name) ends at byte \(offsets[1]) of the data but only \(bodySize) bytes follow the header")
            }
            tensors[name] = tensor
            ranges[name] = offsets[0]..<offsets[1]
        }
        try Self.checkTiling(ranges, bodySize: bodySize, path: path)
        self.tensors = tensors
        self.ranges = ranges.mapValues { (bodyStart + $0.lowerBound)..<(bodyStart + $0.upperBound) }
    }

    /// The JSON header (its length checked against the limits and the file, each name once)
    /// and where the data section starts.
    private static func readHeader(_ data: Data, path: String) throws -> (header: [String: HeaderEntry], bodyStart: Int) {
        guard let announced = headerLength(data) else {
            throw WeightsError.truncated(path: path, detail: "the safetensors header length is cut short")
        }
        guard announced <= UInt64(maxHeaderBytes) else {
            throw WeightsError.malformed(path: path, detail: "the safetensors header announces \(announced) bytes, more than the \(maxHeaderBytes) a VGG19 file can need")
        }
        let n = Int(announced)
        let headerStart = data.startIndex + 8
        guard n <= data.count - 8 else {
            throw WeightsError.truncated(path: path, detail: "the safetensors header announces \(n) bytes but the file has \(data.count - 8) after the length")
        }
        let headerBytes = data[headerStart..<(headerStart + n)]
        let members = topLevelMemberCount(headerBytes)
        guard members <= maxEntries else {
            throw WeightsError.malformed(path: path, detail: "the safetensors header has \(members) entries, more than the \(maxEntries) accepted")
        }
        let header: [String: HeaderEntry]
        do {
            header = try JSONDecoder().decode([String: HeaderEntry].self, from: headerBytes)
        } catch {
            throw WeightsError.malformed(path: path, detail: "safetensors header is not a valid JSON object of tensors (\(error))")
        }
        guard header.count == members else {
            throw WeightsError.malformed(path: path, detail: "safetensors header names a tensor more than once")
        }
        return (header, headerStart + n)
    }

    /// Checks that the tensors' data ranges, in order, tile the data section: no overlap, no
    /// gap, no unused byte at the end.
    private static func checkTiling(_ ranges: [String: Range<Int>], bodySize: Int, path: String) throws {
        var covered = 0
        for (name, range) in ranges.sorted(by: { ($0.value.lowerBound, $0.value.upperBound, $0.key) < ($1.value.lowerBound, $1.value.upperBound, $1.key) }) {
            guard range.lowerBound == covered else {
                let problem = range.lowerBound < covered ? "overlaps the tensor before it" : "leaves a gap of \(range.lowerBound - covered) bytes before it"
                throw WeightsError.malformed(path: path, detail: "safetensors tensor \(name) (data bytes \(range.lowerBound)..<\(range.upperBound)) \(problem)")
            }
            covered = range.upperBound
        }
        guard covered == bodySize else {
            throw WeightsError.malformed(path: path, detail: "safetensors data section has \(bodySize - covered) bytes that no tensor uses")
        }
    }

    /// Members of the top-level JSON object of `json` (already known to be valid JSON),
    /// counted on the text so that duplicate names, which a decoder merges, are seen.
    private static func topLevelMemberCount(_ json: Data) -> Int {
        var depth = 0, count = 0
        var inString = false, escaped = false
        for byte in json {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 && count == 0 { count = 1 }
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { count += 1 }
            default: break
            }
        }
        return count
    }

    func storageBytes(_ key: String) throws -> Data {
        guard let range = ranges[key] else {
            throw WeightsError.malformed(path: path, detail: "no tensor named \(key)")
        }
        return data[range]
    }
}

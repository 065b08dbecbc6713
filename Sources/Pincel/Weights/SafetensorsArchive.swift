import Foundation

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the
/// end of the header), then the raw little-endian tensor bytes.
struct SafetensorsArchive: TensorArchive {
    static let dtypes: [String: WeightDType] = [
        "F32": .float32, "F16": .float16, "BF16": .bfloat16, "F64": .float64, "U8": .uint8, "I8": .int8,
        "I16": .int16, "I32": .int32, "I64": .int64, "BOOL": .bool,
    ]

    private struct HeaderEntry: Decodable {
        var dtype: String?
        var shape: [Int]?
        var data_offsets: [Int]?
    }

    let path: String
    let tensors: [String: StoredTensor]
    private let data: Data
    private let ranges: [String: Range<Int>]

    /// Whether `data` starts like a safetensors file (plausible header length, then `{`).
    static func looksLike(_ data: Data) -> Bool {
        guard data.count >= 10 else { return false }
        let n = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        return n >= 2 && n <= 100_000_000 && data[data.startIndex + 8] == UInt8(ascii: "{")
    }

    init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let n = Int(data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let headerStart = data.startIndex + 8
        guard n <= data.count - 8 else {
            throw WeightsError.truncated(path: path, detail: "the safetensors header announces \(n) bytes but the file has \(data.count - 8) after the length")
        }
        let header: [String: HeaderEntry]
        do {
            header = try JSONDecoder().decode([String: HeaderEntry].self, from: data[headerStart..<(headerStart + n)])
        } catch {
            throw WeightsError.malformed(path: path, detail: "safetensors header is not valid JSON (\(error))")
        }
        let bodyStart = headerStart + n
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
            ranges[name] = (bodyStart + offsets[0])..<(bodyStart + offsets[1])
        }
        self.tensors = tensors
        self.ranges = ranges
    }

    func storageBytes(_ key: String) throws -> Data {
        guard let range = ranges[key] else {
            throw WeightsError.malformed(path: path, detail: "no tensor named \(key)")
        }
        return data[range]
    }
}

import PincelCore
import Foundation

/// A legacy (pre-zip, torch < 1.6 or `_use_new_zipfile_serialization=False`) `torch.save` stream.
///
/// Layout: five protocol-2 pickles (magic number, protocol version 1001, system info, the
/// saved object, the list of storage keys), then for each key in that list an 8-byte
/// little-endian element count followed by the storage's raw little-endian elements.
struct TorchLegacyArchive: TensorArchive {
    /// `0x1950a86a20f9469cfc6c` as LONG1 little-endian bytes.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    let path: String
    let tensors: [String: StoredTensor]
    private let data: Data
    private let storageRanges: [String: Range<Int>]

    init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let base = data.startIndex
        var position = base

        func next() throws -> PickleValue {
            let (value, end) = try PickleReader.read(data, at: position - base, path: path)
            position = base + end
            return value
        }
        guard case .bigInt(let magic) = try next(), magic == Self.magic else {
            throw WeightsError.unknownFormat(path: path, reason: "pickle without the torch.save magic number")
        }
        guard let version = try next().intValue, version == 1001 else {
            throw WeightsError.malformed(path: path, detail: "unsupported torch.save protocol version (expected 1001)")
        }
        let sysInfo = try next()
        if case .dict(let info) = sysInfo,
           let entry = info.entries.first(where: { $0.key.stringValue == "little_endian" }),
           case .bool(false) = entry.value {
            throw WeightsError.malformed(path: path, detail: "the file was written on a big-endian machine, which is not supported")
        }
        let stateDict = try TorchStateDict(try next(), path: path)
        guard let keys = try next().elements?.compactMap(\.stringValue) else {
            throw WeightsError.malformed(path: path, detail: "the storage key list is not a list of strings")
        }

        var ranges: [String: Range<Int>] = [:]
        for key in keys {
            guard let dtype = stateDict.storageDTypes[key] else {
                throw WeightsError.malformed(path: path, detail: "storage \(key) is listed but no tensor gives its element type")
            }
            guard data.endIndex - position >= 8 else {
                throw WeightsError.truncated(path: path, detail: "the file ends before the size of storage \(key)")
            }
            let count = data.withUnsafeBytes { raw in
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position - base, as: UInt64.self))
            }
            position += 8
            let available = data.endIndex - position
            guard count <= UInt64(available / dtype.byteSize) else {
                throw WeightsError.truncated(path: path, detail: "storage \(key) announces \(count) \(dtype.rawValue) values but only \(available) bytes remain")
            }
            let byteCount = Int(count) * dtype.byteSize
            ranges[key] = position..<(position + byteCount)
            position += byteCount
        }
        self.tensors = stateDict.tensors
        self.storageRanges = ranges
    }

    func storageBytes(_ key: String) throws -> Data {
        guard let range = storageRanges[key] else {
            throw WeightsError.malformed(path: path, detail: "storage \(key) is used by a tensor but missing from the storage list")
        }
        return data[range]
    }
}

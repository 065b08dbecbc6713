import PincelCore
import Foundation

/// Element types a weight file may store.
enum WeightDType: String, Sendable, CaseIterable {
    case float32, float16, bfloat16, float64, uint8, int8, int16, int32, int64, bool

    var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .float64, .int64: return 8
        case .uint8, .int8, .bool: return 1
        }
    }

    var isFloatingPoint: Bool { [.float32, .float16, .bfloat16, .float64].contains(self) }
}

/// The legacy torch storage classes (still named in zip-format pickles).
enum TorchStorageType: String, CaseIterable {
    case FloatStorage, DoubleStorage, HalfStorage, BFloat16Storage, ByteStorage, CharStorage,
         ShortStorage, IntStorage, LongStorage, BoolStorage

    var dtype: WeightDType {
        switch self {
        case .FloatStorage: return .float32
        case .DoubleStorage: return .float64
        case .HalfStorage: return .float16
        case .BFloat16Storage: return .bfloat16
        case .ByteStorage: return .uint8
        case .CharStorage: return .int8
        case .ShortStorage: return .int16
        case .IntStorage: return .int32
        case .LongStorage: return .int64
        case .BoolStorage: return .bool
        }
    }
}

/// Where a tensor lives: a storage (by key) plus a strided view into it.
struct StoredTensor {
    let dtype: WeightDType
    /// Extent of each dimension, outermost first.
    let shape: [Int]
    /// Step of each dimension, in elements.
    let strides: [Int]
    /// First element's position in the storage, in elements.
    let offset: Int
    /// Key of the storage in its file.
    let storageKey: String

    /// Element count; only meaningful once ``requiredStorageBytes`` is non-nil (it wraps, never traps).
    var count: Int { shape.reduce(1, &*) }

    /// The most elements ``TensorArchive/floats(_:)`` or ``TensorArchive/bytes(_:)`` will
    /// materialise (VGG19's largest tensor has 2.4 M); bounds memory whatever the file says.
    static let maxMaterialisedElements = 1 << 26

    /// Row-major strides for `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = step
            step &*= shape[i]
        }
        return strides
    }

    var isContiguous: Bool {
        zip(Self.contiguousStrides(shape), strides).allSatisfy { pair in pair.0 == pair.1 } || count <= 1
    }

    /// Storage positions (in elements) of every element, row-major; `nil` when contiguous.
    /// Only meaningful once ``requiredStorageBytes`` is non-nil (then no position exceeds the
    /// last element, so nothing overflows); the arithmetic wraps rather than trap regardless.
    func elementPositions() -> [Int]? {
        if isContiguous { return nil }
        var positions = [Int]()
        positions.reserveCapacity(count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            var p = offset
            for d in 0..<shape.count { p = p &+ index[d] &* strides[d] }
            positions.append(p)
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return positions
    }

    /// Bytes of storage the view reaches (up to its last element), or `nil` when the shape,
    /// strides or offset are negative, overflow, or describe more than 2³² elements.
    var requiredStorageBytes: Int? {
        guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else { return nil }
        var elements = 1
        for n in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow, product <= 1 << 32 else { return nil }
            elements = product
        }
        if elements == 0 { return 0 }
        var last = offset
        for (n, s) in zip(shape, strides) {
            let (step, o1) = (n - 1).multipliedReportingOverflow(by: s)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { return nil }
            last = sum
        }
        let (end, o1) = last.addingReportingOverflow(1)
        let (bytes, o2) = end.multipliedReportingOverflow(by: dtype.byteSize)
        return o1 || o2 ? nil : bytes
    }
}

/// A file's tensors by name, with access to their storages' raw bytes.
protocol TensorArchive {
    /// The file the tensors come from (for messages).
    var path: String { get }
    /// All tensors, by (flattened) name.
    var tensors: [String: StoredTensor] { get }
    /// Raw little-endian bytes of a storage.
    func storageBytes(_ key: String) throws -> Data
}

extension TensorArchive {
    /// Validated raw storage, long enough for `tensor`.
    private func checkedStorage(_ tensor: StoredTensor, name: String) throws -> Data {
        guard tensor.shape.count == tensor.strides.count, let needed = tensor.requiredStorageBytes else {
            throw WeightsError.malformed(path: path, detail: "tensor \(name) has an impossible size, stride or offset")
        }
        guard tensor.count <= StoredTensor.maxMaterialisedElements else {
            throw WeightsError.malformed(path: path, detail: "tensor \(name) has \(tensor.count) elements, more than any VGG19 tensor")
        }
        let data = try storageBytes(tensor.storageKey)
        guard needed <= data.count else {
            throw WeightsError.truncated(path: path, detail: "tensor \(name) needs \(needed) bytes of storage \(tensor.storageKey) but it holds \(data.count)")
        }
        return data
    }

    /// The tensor's values converted to float32, row-major.
    func floats(_ name: String) throws -> [Float] {
        guard let tensor = tensors[name] else {
            throw WeightsError.malformed(path: path, detail: "no tensor named \(name)")
        }
        guard tensor.dtype.isFloatingPoint else {
            throw WeightsError.wrongDType(path: path, tensor: name, expected: "a floating-point type", actual: tensor.dtype.rawValue)
        }
        let data = try checkedStorage(tensor, name: name)
        let n = tensor.count
        if n == 0 { return [] }
        let positions = tensor.elementPositions()
        // `n > 0` and `checkedStorage` guarantees the storage reaches the last element, so `raw`
        // is non-empty; an empty storage here is reported as truncation rather than trapping.
        return try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else {
                throw WeightsError.truncated(path: path, detail: "tensor \(name) has \(n) elements but its storage \(tensor.storageKey) is empty")
            }
            return [Float](unsafeUninitializedCapacity: n) { out, initialized in
                func pos(_ i: Int) -> Int { positions?[i] ?? (tensor.offset + i) }
                switch tensor.dtype {
                case .float32:
                    if positions == nil {
                        let start = tensor.offset * 4
                        UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + n * 4)]))
                    } else {
                        for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: pos(i) * 4, as: UInt32.self))) }
                    }
                case .float16:
                    for i in 0..<n { out[i] = halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: pos(i) * 2, as: UInt16.self))) }
                case .bfloat16:
                    for i in 0..<n { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: pos(i) * 2, as: UInt16.self))) << 16) }
                case .float64:
                    for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: pos(i) * 8, as: UInt64.self)))) }
                default:
                    break // excluded by the guard above
                }
                initialized = n
            }
        }
    }

    /// The tensor's values as bytes (for uint8 quantisation indices), row-major.
    func bytes(_ name: String) throws -> [UInt8] {
        guard let tensor = tensors[name] else {
            throw WeightsError.malformed(path: path, detail: "no tensor named \(name)")
        }
        guard tensor.dtype == .uint8 else {
            throw WeightsError.wrongDType(path: path, tensor: name, expected: "uint8", actual: tensor.dtype.rawValue)
        }
        let data = try checkedStorage(tensor, name: name)
        let positions = tensor.elementPositions()
        return data.withUnsafeBytes { raw in
            let p = raw.bindMemory(to: UInt8.self)
            if let positions { return positions.map { p[$0] } }
            return Array(p[tensor.offset..<(tensor.offset + tensor.count)])
        }
    }
}

/// IEEE 754 half → single precision (exact), without relying on `Float16` availability.
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0x1F { // inf / nan
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 { // zero / subnormal: mantissa * 2^-24
        let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)
        return sign != 0 ? -magnitude : magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
}

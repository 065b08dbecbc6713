import Foundation

/// Shared by the weight-file fuzz targets: everything a loaded archive offers, exercised.
enum WeightsFuzz {
    /// Reads every small tensor of `archive` (as floats or bytes), then runs the VGG19 loader.
    static func exercise(_ archive: TensorArchive) {
        for (name, tensor) in archive.tensors where tensor.requiredStorageBytes != nil && tensor.count <= 1 << 16 {
            if tensor.dtype == .uint8 { _ = try? archive.bytes(name) } else { _ = try? archive.floats(name) }
        }
    }

    /// Every thrown error must be a one-line ``WeightsError``; anything else is a bug.
    static func check(_ body: () throws -> Void) {
        expectOneLineErrors(WeightsError.self, body)
    }

    static func data(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Data {
        Data(bytes: bytes, count: count)
    }
}

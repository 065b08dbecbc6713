import PincelCore
import Foundation

/// A zip-format `torch.save` file (torch ≥ 1.6): `<archive>/data.pkl` holds the pickled
/// object and `<archive>/data/<key>` the raw little-endian bytes of each storage.
struct TorchZipArchive: TensorArchive {
    let path: String
    let tensors: [String: StoredTensor]
    private let zip: ZipDirectory
    private let prefix: String
    private let cache = StorageCache()

    init(data: Data, path: String, inflateBudget: Int = ZipDirectory.defaultInflateBudget) throws {
        self.path = path
        zip = try ZipDirectory(data: data, path: path, inflateBudget: inflateBudget)
        let pickleEntries = zip.entries.values.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard let pickleEntry = pickleEntries.min(by: { ($0.name.count, $0.name) < ($1.name.count, $1.name) }) else {
            throw WeightsError.unknownFormat(path: path, reason: "zip archive without a data.pkl entry")
        }
        prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let order = zip.entries[prefix + "byteorder"] {
            guard order.uncompressedSize <= 16 else {
                throw WeightsError.malformed(path: path, detail: "zip entry \(order.name) is not a byte order")
            }
            let text = String(decoding: try zip.contents(of: order), as: UTF8.self)
            guard text.trimmingCharacters(in: .whitespacesAndNewlines) == "little" else {
                throw WeightsError.malformed(path: path, detail: "storages are stored \(text)-endian; only little-endian is supported")
            }
        }
        let pickle = try zip.contents(of: pickleEntry)
        let (root, _) = try PickleReader.read(pickle, path: path)
        tensors = try TorchStateDict(root, path: path).tensors
    }

    func storageBytes(_ key: String) throws -> Data {
        if let known = cache.storages[key] { return known }
        guard let entry = zip.entries[prefix + "data/" + key] else {
            throw WeightsError.truncated(path: path, detail: "zip entry \(prefix)data/\(key) of a tensor storage is missing")
        }
        let bytes = try zip.contents(of: entry)
        cache.storages[key] = bytes
        return bytes
    }
}

/// Storages already read (a storage shared by several tensors is inflated once).
private final class StorageCache {
    var storages: [String: Data] = [:]
}

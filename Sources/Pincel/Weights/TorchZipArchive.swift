import Foundation
import ZIPFoundation

/// A zip-format `torch.save` file (torch ≥ 1.6): `<archive>/data.pkl` holds the pickled
/// object and `<archive>/data/<key>` the raw little-endian bytes of each storage.
struct TorchZipArchive: TensorArchive {
    let path: String
    let tensors: [String: StoredTensor]
    private let archive: Archive
    private let prefix: String

    init(url: URL, path: String) throws {
        self.path = path
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw WeightsError.malformed(path: path, detail: "zip archive cannot be opened (\(error))")
        }
        let pickleEntries = archive.filter { $0.path == "data.pkl" || $0.path.hasSuffix("/data.pkl") }
        guard let pickleEntry = pickleEntries.min(by: { $0.path.count < $1.path.count }) else {
            throw WeightsError.unknownFormat(path: path, reason: "zip archive without a data.pkl entry")
        }
        prefix = String(pickleEntry.path.dropLast("data.pkl".count))
        if let order = archive[prefix + "byteorder"] {
            let text = String(decoding: try Self.extract(order, from: archive, path: path), as: UTF8.self)
            guard text.trimmingCharacters(in: .whitespacesAndNewlines) == "little" else {
                throw WeightsError.malformed(path: path, detail: "storages are stored \(text)-endian; only little-endian is supported")
            }
        }
        let pickle = try Self.extract(pickleEntry, from: archive, path: path)
        let (root, _) = try PickleReader.read(pickle, path: path)
        tensors = try TorchStateDict(root, path: path).tensors
    }

    func storageBytes(_ key: String) throws -> Data {
        guard let entry = archive[prefix + "data/" + key] else {
            throw WeightsError.truncated(path: path, detail: "zip entry \(prefix)data/\(key) of a tensor storage is missing")
        }
        return try Self.extract(entry, from: archive, path: path)
    }

    private static func extract(_ entry: Entry, from archive: Archive, path: String) throws -> Data {
        let size = Int(clamping: entry.uncompressedSize)
        var out = Data()
        out.reserveCapacity(min(size, 1 << 28))
        do {
            _ = try archive.extract(entry, bufferSize: max(1, min(size, 64 << 20)), skipCRC32: true) { chunk in
                out.append(chunk)
            }
        } catch {
            throw WeightsError.malformed(path: path, detail: "zip entry \(entry.path) cannot be read (\(error))")
        }
        guard out.count == size else {
            throw WeightsError.truncated(path: path, detail: "zip entry \(entry.path) holds \(out.count) of \(size) bytes")
        }
        return out
    }
}

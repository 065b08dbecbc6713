import Foundation
import Synchronization

/// The most the studio's files (uploads, and jobs' results and last images) may take on disk.
/// Uploads are admitted one at a time against it, so parallel uploads cannot pass it together.
final class StorageBudget: Sendable {
    let paths: StudioPaths
    /// Bytes.
    let limit: Int64
    private let gate = Mutex(())

    init(paths: StudioPaths, limit: Int64) {
        self.paths = paths
        self.limit = limit
    }

    /// Bytes the studio's files take now: the regular files in `uploads/` and in each job's
    /// folder (sizes by `lstat`; links are not followed).
    func used() -> Int64 {
        var total: Int64 = 0
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: paths.uploads)) ?? [] {
            total += Self.size(paths.uploads + "/" + name)
        }
        for job in (try? manager.contentsOfDirectory(atPath: paths.jobs)) ?? [] where StudioID.isValid(job) {
            for name in (try? manager.contentsOfDirectory(atPath: paths.job(job))) ?? [] {
                total += Self.size(paths.job(job) + "/" + name)
            }
        }
        return total
    }

    /// Throws when the files already fill the budget. - Throws: `StudioError.tooLarge`.
    func checkRoom(adding bytes: Int64 = 0) throws {
        let used = used()
        guard used + bytes <= limit else { throw StudioError.tooLarge(full(used: used)) }
    }

    /// Runs `admit` (which moves a new file of `bytes` into place) only when it fits, one caller
    /// at a time. - Throws: `StudioError.tooLarge`, or what `admit` throws.
    func admit(bytes: Int64, _ admit: () throws -> Void) throws {
        try gate.withLock { _ in
            try checkRoom(adding: bytes)
            try admit()
        }
    }

    private func full(used: Int64) -> String {
        "the studio's storage is full (\(StorageSize.format(used)) of \(StorageSize.format(limit)) used): delete some uploads or results, "
            + "or restart it with a larger --max-storage"
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return 0 }
        return Int64(info.st_size)
    }
}

/// Sizes as the studio reads and shows them (`--max-storage 500MB`).
public enum StorageSize {
    /// `1.5 GB`, `300 MB`, `12 kB` (powers of 1000).
    public static func format(_ bytes: Int64) -> String {
        let units: [(Double, String)] = [(1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            let value = Double(bytes) / scale
            return (value >= 100 || value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)) + " " + unit
        }
        return "\(bytes) bytes"
    }

    /// Parses a size: `500MB`, `2GB`, `2 GiB`, `750k`, `1048576` (bytes). `nil` when malformed or
    /// not positive.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let scales: [String: Double] = ["": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
                                        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776]
        guard let value = Double(digits), let scale = scales[unit] else { return nil }
        let bytes = value * scale
        guard bytes >= 1, bytes < 9e18 else { return nil }
        return Int64(bytes)
    }
}

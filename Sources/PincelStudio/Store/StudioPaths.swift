import Foundation

/// Where Pincel Studio keeps its database and files: `$PINCEL_HOME/studio` by default.
///
/// Every file name under it is made by the studio (UUIDs and fixed names); nothing a
/// request sends becomes a path.
public struct StudioPaths: Sendable, Equatable {
    /// The studio's folder.
    public let root: String

    /// The paths under `root`.
    public init(root: String) { self.root = root }

    /// The SQLite database of jobs and uploads.
    public var database: String { root + "/studio.sqlite" }
    /// Uploaded images, re-encoded as PNG under generated names.
    public var uploads: String { root + "/uploads" }
    /// One folder per job: its result and the last image of a run.
    public var jobs: String { root + "/jobs" }

    /// The PNG of an upload; `id` must have passed ``StudioID/isValid(_:)``.
    func upload(_ id: String) -> String { uploads + "/" + id + ".png" }
    /// A job's folder; `id` must have passed ``StudioID/isValid(_:)``.
    func job(_ id: String) -> String { jobs + "/" + id }
    /// A job's result (PNG, written once the run ends).
    func result(_ id: String) -> String { job(id) + "/result.png" }
    /// The last image of a running job (JPEG, rewritten atomically every few seconds).
    func last(_ id: String) -> String { job(id) + "/last.jpg" }

    /// Creates the folders. - Throws: `StudioError.storage`.
    func create() throws {
        for folder in [root, uploads, jobs] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StudioError.storage("cannot create \(folder): \(error.localizedDescription)")
            }
        }
    }

    /// The default folder: `$PINCEL_HOME/studio`, else `~/.cache/pincel/studio`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["PINCEL_HOME"], !home.isEmpty { return home + "/studio" }
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return user + "/.cache/pincel/studio"
    }
}

/// Identifiers the studio makes (lower-case UUIDs), and the check every id from a request passes
/// before it names a row or a file.
enum StudioID {
    /// A new identifier.
    static func make() -> String { UUID().uuidString.lowercased() }

    /// `true` for exactly 36 characters of lower-case hex digits and dashes in UUID form.
    static func isValid(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard b == UInt8(ascii: "-") else { return false }
            } else {
                guard (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) else { return false }
            }
        }
        return true
    }
}

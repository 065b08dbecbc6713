import Foundation
import Synchronization

/// Temporary folders for tests, made by `mkdtemp` (a new folder, never an existing one), and
/// removed with everything in them only by ``remove(_:)`` of the same process, which refuses
/// any folder it did not make: a test helper can never delete a folder it did not create.
public enum TemporaryFolder {
    private static let made = Mutex<Set<String>>([])

    /// A new empty folder `$TMPDIR/<prefix>XXXXXX`.
    public static func make(prefix: String) throws -> URL {
        var template = Array((FileManager.default.temporaryDirectory.path + "/" + prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard let made else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "mkdtemp failed: \(String(cString: strerror(errno)))"])
        }
        let path = String(cString: made)
        Self.made.withLock { _ = $0.insert(path) }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// Removes `folder` and everything in it, if ``make(prefix:)`` made it; otherwise nothing.
    public static func remove(_ folder: URL) {
        let path = folder.path
        guard made.withLock({ $0.remove(path) }) != nil else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}

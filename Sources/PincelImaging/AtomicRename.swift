import PincelCore
import Foundation

/// The last step of an atomic save: the written temporary file is flushed to disk, renamed
/// over the target and the folder flushed, so after a crash the target is either the old file
/// or the complete new one.
package enum AtomicRename {
    /// Flushes `temporary`, renames it to `path` and flushes the folder (best effort).
    /// The caller removes `temporary` if this throws. - Throws: `ImageError.saveFailed`.
    package static func commit(_ temporary: String, to path: String) throws {
        func failure(_ what: String) -> ImageError {
            .saveFailed(path: path, message: "\(what): \(String(cString: strerror(errno)))")
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("reopening the written file") }
        let synced = fsync(fd) == 0
        let syncError = errno
        close(fd)
        if !synced {
            errno = syncError
            throw failure("flushing to disk")
        }
        guard rename(temporary, path) == 0 else { throw failure("renaming into place") }
        let folder = OutputCheck.split(path).folder
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)  // Best effort: some file systems refuse fsync on a folder.
            close(folderFD)
        }
    }
}

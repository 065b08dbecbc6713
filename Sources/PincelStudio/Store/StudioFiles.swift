import Foundation

/// The only ways the studio touches files it deletes or checks: one regular file at a time by
/// `unlink` (never a recursive removal), an empty folder by `rmdir`, and `lstat` checks that do
/// not follow links.
enum StudioFiles {
    /// `true` for a regular file (not a link, folder, device or FIFO).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Removes one file, if there; errors ignored (temporary files).
    static func remove(_ path: String) { _ = unlink(path) }

    /// Removes one file; a missing one is fine. - Throws: `StudioError.storage`.
    static func removeOrThrow(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw StudioError.storage("cannot delete \((path as NSString).lastPathComponent): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes a folder the studio made, only if empty.
    static func removeEmptyFolder(_ path: String) { _ = rmdir(path) }

    /// The bytes of a regular file, never through a link (`O_NOFOLLOW`); `nil` otherwise.
    static func read(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return try? handle.readToEnd() ?? Data()
    }
}

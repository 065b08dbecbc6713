import Foundation

extension ImageIO {
    /// Checks that `path`, with symbolic links followed, is a non-empty regular file this
    /// process can read, before any decoder sees it. Every image load goes through here, so a
    /// folder, a FIFO, a socket or a device such as `/dev/zero` is refused at once (a decoder
    /// would block on it or read without end). - Throws: `ImageError`.
    /// - Returns: the file's identity.
    @discardableResult
    public static func checkInputFile(_ path: String) throws -> FileIdentity {
        guard !path.isEmpty else { throw ImageError.fileNotFound(path: path) }
        var info = stat()
        // stat, not lstat: the question is what the link leads to.
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw ImageError.fileNotFound(path: path) }
            throw ImageError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .regularFile else { throw ImageError.notAnImageFile(path: path, kind: kind) }
        guard info.st_size > 0 else { throw ImageError.emptyFile(path: path) }
        // Readable? Opening is the only test that also holds for root. O_NONBLOCK: should the
        // path have been swapped for a FIFO since the stat, the open cannot block.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0 else { throw ImageError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        let openedKind = FileKind(mode: opened.st_mode)
        guard openedKind == .regularFile else { throw ImageError.notAnImageFile(path: path, kind: openedKind) }
        guard opened.st_size > 0 else { throw ImageError.emptyFile(path: path) }
        return FileIdentity(device: UInt64(opened.st_dev), inode: UInt64(opened.st_ino))
    }
}

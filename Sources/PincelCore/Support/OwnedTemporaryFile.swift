import Foundation

/// A temporary file this process created itself (`O_CREAT | O_EXCL`), so that removing it
/// can never remove a file someone else put at that name: ``remove()`` unlinks the path only
/// while it still names the very file created here (same device and inode).
package final class OwnedTemporaryFile {
    /// Why the file could not be created; `reason` is strerror's text.
    package struct Failure: Error, CustomStringConvertible {
        package let path: String
        package let code: Int32
        package var reason: String { String(cString: strerror(code)) }
        package var description: String { "cannot create \(path): \(reason)" }
    }

    package let path: String
    /// The open descriptor (write only) until ``close()`` or ``remove()``.
    package private(set) var descriptor: Int32
    private let identity: (device: UInt64, inode: UInt64)

    /// Creates exactly `path`, which must not exist yet.
    package init(exactly path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, code: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            Foundation.close(fd)
            unlink(path)  // created just above, by this call
            throw Failure(path: path, code: code)
        }
        self.path = path
        descriptor = fd
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Creates a new file `folder/<prefix><pid>-<random><suffix>` (a few names are tried).
    package convenience init(folder: String, prefix: String, suffix: String) throws {
        var last = Failure(path: folder, code: EEXIST)
        for _ in 0..<8 {
            let name = prefix + String(format: "%d-%08x", Int(getpid()), UInt32.random(in: 0...UInt32.max)) + suffix
            do {
                try self.init(exactly: (folder.hasSuffix("/") ? folder : folder + "/") + name)
                return
            } catch let failure as Failure where failure.code == EEXIST {
                last = failure
            }
        }
        throw last
    }

    deinit { close() }

    /// Writes all of `data` at the current offset. - Throws: ``Failure``.
    package func write(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(descriptor, base + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw Failure(path: path, code: n < 0 ? errno : ENOSPC) }
                offset += n
            }
        }
    }

    /// Closes the descriptor (the file stays).
    package func close() {
        if descriptor >= 0 { Foundation.close(descriptor) }
        descriptor = -1
    }

    /// Whether `path` still names the file created here.
    package var isStillOurs: Bool {
        var info = stat()
        return lstat(path, &info) == 0 && UInt64(info.st_dev) == identity.device && UInt64(info.st_ino) == identity.inode
    }

    /// Closes the file and removes it, if the path still names the file created here (after a
    /// rename into place it names something else, or nothing, and is left alone).
    package func remove() {
        close()
        if isStillOurs { unlink(path) }
    }
}

import Foundation

/// What a path names once symbolic links are followed.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
    case regularFile, folder, namedPipe, socket, characterDevice, blockDevice, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regularFile
        case S_IFDIR: self = .folder
        case S_IFIFO: self = .namedPipe
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .other
        }
    }

    public var description: String {
        switch self {
        case .regularFile: return "a file"
        case .folder: return "a folder"
        case .namedPipe: return "a named pipe (FIFO)"
        case .socket: return "a socket"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .other: return "a special file"
        }
    }
}

/// The file a path names, independent of its spelling: `./a.png`, `x/../a.png`, a symbolic
/// link to it and a hard link to it all have the same identity.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    /// The identity of the file `path` names (symbolic links followed), or nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

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

extension FileIdentity {
    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

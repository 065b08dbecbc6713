import Foundation

/// What a path names once symbolic links are followed.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
    /// A regular file: the only kind Pincel reads.
    case regularFile
    /// A directory.
    case folder
    /// A FIFO.
    case namedPipe
    /// A Unix domain socket.
    case socket
    /// A character device such as `/dev/zero` or a terminal.
    case characterDevice
    /// A block device such as a disk.
    case blockDevice
    /// Anything else.
    case other

    package init(mode: mode_t) {
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

    /// The kind with its article, for messages: "a folder", "a named pipe (FIFO)".
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
package struct FileIdentity: Hashable, Sendable {
    /// The device that holds the file (`st_dev`).
    package let device: UInt64
    /// The file's inode number on that device (`st_ino`).
    package let inode: UInt64

    /// The identity of the file `path` names (symbolic links followed), or nil when there is none.
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

extension FileIdentity {
    package init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

/// Opening an input file (an image, the weights) so that no path can block or feed a reader
/// without end: only what is, with links followed, a regular file is opened, and what was
/// opened is checked again (the path may be swapped between the two).
package enum RegularFile {
    package enum Problem: Error {
        case missing
        case notRegular(FileKind)
        case failed(String)
    }

    /// The open descriptor (blocking mode, close-on-exec; the caller closes it) and its status.
    package static func openForReading(_ path: String) throws(Problem) -> (fd: Int32, info: stat) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .missing }
            throw .failed(String(cString: strerror(errno)))
        }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .regularFile else { throw .notRegular(kind) }
        // O_NONBLOCK for the open only: should the path have become a FIFO since the stat,
        // the open cannot block; fstat then tells what was opened.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .failed(String(cString: strerror(errno))) }
        var opened = stat()
        guard fstat(fd, &opened) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .failed(reason)
        }
        let openedKind = FileKind(mode: opened.st_mode)
        guard openedKind == .regularFile else {
            close(fd)
            throw .notRegular(openedKind)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return (fd, opened)
    }
}

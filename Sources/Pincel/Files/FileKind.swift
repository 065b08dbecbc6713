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

extension FileIdentity {
    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

import PincelCore
import Foundation

extension ImageIO {
    /// Checks that `path`, with symbolic links followed, is a non-empty regular file this
    /// process can read, before any decoder sees it. Every image load goes through here, so a
    /// folder, a FIFO, a socket or a device such as `/dev/zero` is refused at once (a decoder
    /// would block on it or read without end). - Throws: `ImageError`.
    /// - Returns: the file's identity.
    @discardableResult
    package static func checkInputFile(_ path: String) throws -> FileIdentity {
        guard !path.isEmpty else { throw ImageError.fileNotFound(path: path) }
        let opened: stat
        do {
            let file = try RegularFile.openForReading(path)
            close(file.fd)
            opened = file.info
        } catch .missing {
            throw ImageError.fileNotFound(path: path)
        } catch .notRegular(let kind) {
            throw ImageError.notAnImageFile(path: path, kind: kind)
        } catch .failed(let reason) {
            throw ImageError.unreadable(path: path, reason: reason)
        }
        guard opened.st_size > 0 else { throw ImageError.emptyFile(path: path) }
        return FileIdentity(device: UInt64(opened.st_dev), inode: UInt64(opened.st_ino))
    }
}

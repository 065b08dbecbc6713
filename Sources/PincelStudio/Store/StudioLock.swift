import Foundation
import Synchronization

/// One studio per folder: an exclusive `flock` on `studio.lock` in the studio's folder, held
/// while the studio runs (the kernel drops it when the process ends, however it ends). The file
/// holds the holder's pid and, once it listens, its address, so a second studio can say where
/// the first one is.
public final class StudioLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// Takes the lock of `paths` (creating the folder).
    /// - Throws: `StudioError.alreadyRunning` naming the running studio's address, or
    ///   `.storage` when the file cannot be opened.
    public static func acquire(_ paths: StudioPaths) throws -> StudioLock {
        try paths.create()
        let path = paths.root + "/studio.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw StudioError.storage("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let holder = Self.read(fd)
            close(fd)
            guard busy else { throw StudioError.storage("cannot lock \(path): \(String(cString: strerror(errno)))") }
            throw StudioError.alreadyRunning(Self.message(holder: holder, root: paths.root))
        }
        let lock = StudioLock(path: path, descriptor: fd)
        lock.record("pid \(getpid()) starting")
        return lock
    }

    /// Writes what a second studio shows: `pid N http://127.0.0.1:8080/` (never the token).
    public func record(address: String) { record("pid \(getpid()) \(address)") }

    private func record(_ line: String) {
        descriptor.withLock { fd in
            guard let fd else { return }
            let bytes = Array((line + "\n").utf8)
            _ = ftruncate(fd, 0)
            _ = pwrite(fd, bytes, bytes.count, 0)
        }
    }

    /// Lets go of the lock (also when the studio is released).
    public func release() {
        descriptor.withLock { fd in
            if let held = fd { close(held) }
            fd = nil
        }
    }

    deinit { release() }

    private static func read(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "" }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        return String(text.split(separator: "\n").first ?? "").filter { $0.isASCII && !$0.isNewline }
    }

    /// "another pincel studio (pid 12, http://127.0.0.1:8080/) serves …".
    static func message(holder: String, root: String) -> String {
        let parts = holder.split(separator: " ")
        var who = "another pincel studio"
        if parts.count >= 3, parts[0] == "pid" {
            let address = parts[2] == "starting" ? "still starting" : String(parts[2])
            who += " (pid \(parts[1]), \(address))"
        }
        return "\(who) already serves \(root); open that one, stop it, or give this one another PINCEL_HOME"
    }
}

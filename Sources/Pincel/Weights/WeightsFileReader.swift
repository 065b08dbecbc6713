import Foundation
#if canImport(Glibc)
import Glibc
private func readFile(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
#elseif canImport(Darwin)
import Darwin
private func readFile(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
#endif

/// Reads a whole weight file into memory that this process owns.
///
/// The file is never memory-mapped: a file truncated or rewritten while it is being read then
/// shows up as a short read (an error, or a parse error later), never as SIGBUS.
enum WeightsFileReader {
    /// Largest file accepted (VGG19 with its classifier in float64 is 1.1 GB).
    static let maxBytes = 2_000_000_000

    static func read(_ path: String) throws -> Data {
        // O_NONBLOCK: should the path have become a FIFO since the caller's check, the open
        // cannot block; what was opened is checked again below.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw WeightsError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw WeightsError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .regularFile else { throw WeightsError.unreadable(path: path, reason: "it is \(kind), not a weights file") }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        let announced = Int(clamping: info.st_size)
        guard announced <= maxBytes else {
            throw WeightsError.unknownFormat(path: path, reason: "the file has \(announced) bytes, more than any VGG19 weight file")
        }
        // Read until end of file (the size may change underfoot); never past maxBytes.
        var buffer = Data(count: max(announced, 1) + 1)
        var filled = 0
        while true {
            if filled == buffer.count {
                guard buffer.count <= maxBytes else {
                    throw WeightsError.unknownFormat(path: path, reason: "the file grew past \(maxBytes) bytes while being read")
                }
                buffer.count += min(buffer.count, maxBytes + 1 - buffer.count)
            }
            let got = buffer.withUnsafeMutableBytes { raw in
                readFile(fd, raw.baseAddress.map { $0 + filled }, raw.count - filled)
            }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw WeightsError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            filled += got
        }
        buffer.count = filled
        return buffer
    }
}

import PincelCore
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
/// shows up as a short read (an error, or a parse error later), never as SIGBUS. Only a
/// regular file is opened (``RegularFile``): a FIFO, a device or a folder is refused unread.
enum WeightsFileReader {
    /// Largest file accepted (VGG19 with its classifier in float64 is 1.1 GB).
    static let maxBytes = 2_000_000_000

    static func read(_ path: String) throws -> Data {
        let fd: Int32
        let info: stat
        do {
            (fd, info) = try RegularFile.openForReading(path)
        } catch .missing {
            throw WeightsError.missingFile(path: path, origin: "the given path")
        } catch .notRegular(let kind) {
            throw WeightsError.unreadable(path: path, reason: "it is \(kind), not a weights file")
        } catch .failed(let reason) {
            throw WeightsError.unreadable(path: path, reason: reason)
        }
        defer { close(fd) }
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

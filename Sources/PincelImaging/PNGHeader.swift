import PincelCore
import Foundation

/// Width and height from a PNG file's IHDR chunk, read directly: when libpng refuses a header
/// (a side above its 1,000,000-pixel limit) libvips gives no size, yet the message should.
enum PNGHeader {
    /// (width, height) when `path` starts with a PNG signature and an IHDR chunk, else nil.
    static func size(_ path: String) -> (width: Int, height: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 24), data.count == 24 else { return nil }
        let bytes = [UInt8](data)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func int32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (int32(16), int32(20))
    }

    /// libpng's default limit on each side.
    static let maxSide = 1_000_000
}

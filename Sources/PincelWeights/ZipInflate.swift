import PincelCore
internal import CZlibInflate
import Foundation

/// Raw-deflate decompression with a hard output size.
enum ZipInflate {
    /// Inflates `input` (a raw deflate stream) into exactly `expected` bytes. Never produces
    /// more than `expected + 1` bytes: a stream that inflates to more than it declared, or
    /// that ends early or is corrupt, is an error naming `entry`.
    static func inflate(_ input: UnsafeRawBufferPointer, expected: Int, entry: String, path: String) throws -> Data {
        guard input.count < Int(UInt32.max), expected < Int(UInt32.max) - 1 else {
            throw WeightsError.malformed(path: path, detail: "zip entry \(entry) is too large to inflate")
        }
        var output = Data(count: expected + 1) // one spare byte reveals a stream longer than declared
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WeightsError.malformed(path: path, detail: "zip entry \(entry): zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        let result: Int32 = output.withUnsafeMutableBytes { out in
            guard let outBase = out.baseAddress else { return Z_MEM_ERROR }
            stream.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
            stream.avail_in = UInt32(input.count)
            stream.next_out = outBase.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(out.count)
            return zlib_inflate(&stream, Z_FINISH)
        }
        let produced = out(stream)
        switch result {
        case Z_STREAM_END where produced == expected:
            output.count = expected
            return output
        case Z_STREAM_END where produced < expected:
            throw WeightsError.truncated(path: path, detail: "zip entry \(entry) inflates to \(produced) bytes but declares \(expected)")
        case Z_STREAM_END, Z_OK, Z_BUF_ERROR:
            if produced > expected {
                throw WeightsError.malformed(path: path, detail: "zip entry \(entry) inflates to more than the \(expected) bytes it declares")
            }
            throw WeightsError.truncated(path: path, detail: "zip entry \(entry): compressed data ends early")
        default:
            throw WeightsError.malformed(path: path, detail: "zip entry \(entry) has corrupt compressed data")
        }
    }

    private static func out(_ stream: z_stream) -> Int { Int(stream.total_out) }
}

/// zlib's `inflate` (the name is taken by ``ZipInflate/inflate(_:expected:entry:path:)``).
private func zlib_inflate(_ stream: UnsafeMutablePointer<z_stream>, _ flush: Int32) -> Int32 {
    CZlibInflate.inflate(stream, flush)
}

import Foundation

/// Why the test-side PNG reader rejected a file.
enum PNGReaderError: Error, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    var description: String {
        switch self {
        case .malformed(let why): return "malformed PNG/zlib data: \(why)"
        case .unsupported(let why): return "PNG feature not supported by the test reader: \(why)"
        }
    }
}

/// A minimal, independent zlib/DEFLATE decoder (RFC 1950/1951) so the CLI tests can look at
/// the pixels and text chunks `pincel` writes without using the library under test.
enum Inflate {
    /// Decompresses a zlib stream (2-byte header, DEFLATE blocks; the Adler-32 trailer is not checked).
    static func zlib(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count >= 2, data[0] & 0x0f == 8, (Int(data[0]) << 8 | Int(data[1])) % 31 == 0 else {
            throw PNGReaderError.malformed("bad zlib header")
        }
        guard data[1] & 0x20 == 0 else { throw PNGReaderError.unsupported("zlib preset dictionary") }
        var decoder = Decoder(bytes: data, bitPosition: 16)
        return try decoder.inflate()
    }

    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: [Int]) throws {
            symbols = [Int](repeating: 0, count: lengths.count)
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for l in 1..<15 { offsets[l + 1] = offsets[l] + counts[l] }
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
        }
    }

    private struct Decoder {
        let bytes: [UInt8]
        var bitPosition: Int
        var output: [UInt8] = []

        init(bytes: [UInt8], bitPosition: Int) {
            self.bytes = bytes
            self.bitPosition = bitPosition
        }

        mutating func bit() throws -> Int {
            let byte = bitPosition >> 3
            guard byte < bytes.count else { throw PNGReaderError.malformed("stream ends early") }
            let b = Int(bytes[byte] >> UInt8(bitPosition & 7)) & 1
            bitPosition += 1
            return b
        }

        /// `n` bits, least significant first.
        mutating func bits(_ n: Int) throws -> Int {
            var v = 0
            for i in 0..<n { v |= try bit() << i }
            return v
        }

        mutating func decode(_ h: Huffman) throws -> Int {
            var code = 0, first = 0, index = 0
            for length in 1..<16 {
                code |= try bit()
                let count = h.counts[length]
                if code - count < first { return h.symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw PNGReaderError.malformed("invalid Huffman code")
        }

        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
                                 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
                                   1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11,
                                    12, 12, 13, 13]
        static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

        mutating func inflate() throws -> [UInt8] {
            var last = false
            while !last {
                last = try bit() == 1
                switch try bits(2) {
                case 0: try stored()
                case 1:
                    let lit = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112)
                        + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
                    try codes(literals: Huffman(lengths: lit), distances: Huffman(lengths: [Int](repeating: 5, count: 30)))
                case 2: try dynamic()
                default: throw PNGReaderError.malformed("reserved block type 3")
                }
            }
            return output
        }

        mutating func stored() throws {
            bitPosition = (bitPosition + 7) & ~7
            var p = bitPosition >> 3
            guard p + 4 <= bytes.count else { throw PNGReaderError.malformed("stored block header cut off") }
            let len = Int(bytes[p]) | Int(bytes[p + 1]) << 8
            let nlen = Int(bytes[p + 2]) | Int(bytes[p + 3]) << 8
            guard len == (~nlen & 0xffff) else { throw PNGReaderError.malformed("stored block length check") }
            p += 4
            guard p + len <= bytes.count else { throw PNGReaderError.malformed("stored block cut off") }
            output += bytes[p..<(p + len)]
            bitPosition = (p + len) * 8
        }

        mutating func dynamic() throws {
            let nlit = try bits(5) + 257, ndist = try bits(5) + 1, ncode = try bits(4) + 4
            var codeLengths = [Int](repeating: 0, count: 19)
            for i in 0..<ncode { codeLengths[Self.codeLengthOrder[i]] = try bits(3) }
            let lengthCode = try Huffman(lengths: codeLengths)
            var lengths: [Int] = []
            while lengths.count < nlit + ndist {
                let sym = try decode(lengthCode)
                switch sym {
                case 0..<16: lengths.append(sym)
                case 16:
                    guard let prev = lengths.last else { throw PNGReaderError.malformed("repeat with no previous length") }
                    lengths += [Int](repeating: prev, count: try bits(2) + 3)
                case 17: lengths += [Int](repeating: 0, count: try bits(3) + 3)
                default: lengths += [Int](repeating: 0, count: try bits(7) + 11)
                }
            }
            guard lengths.count == nlit + ndist else { throw PNGReaderError.malformed("too many code lengths") }
            try codes(literals: Huffman(lengths: Array(lengths[0..<nlit])),
                      distances: Huffman(lengths: Array(lengths[nlit...])))
        }

        mutating func codes(literals: Huffman, distances: Huffman) throws {
            while true {
                let sym = try decode(literals)
                if sym < 256 { output.append(UInt8(sym)); continue }
                if sym == 256 { return }
                let li = sym - 257
                guard li < 29 else { throw PNGReaderError.malformed("bad length symbol \(sym)") }
                let length = Self.lengthBase[li] + (try bits(Self.lengthExtra[li]))
                let di = try decode(distances)
                guard di < 30 else { throw PNGReaderError.malformed("bad distance symbol \(di)") }
                let distance = Self.distanceBase[di] + (try bits(Self.distanceExtra[di]))
                guard distance <= output.count else { throw PNGReaderError.malformed("distance too far back") }
                let from = output.count - distance
                for k in 0..<length { output.append(output[from + k]) }
            }
        }
    }
}

/// A decoded 8-bit PNG: interleaved RGB pixels (grey expanded, alpha dropped) and its text chunks.
struct PNGImage {
    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: Int
    /// `height * width * 3` bytes, row-major, RGB interleaved.
    let rgb: [UInt8]
    /// Keyword → text from tEXt, zTXt and iTXt chunks.
    let text: [String: String]

    /// Reads `path`. Only 8-bit, non-interlaced grey/grey+alpha/RGB/RGBA images are supported.
    init(contentsOf path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count > 8, Array(data[0..<8]) == [137, 80, 78, 71, 13, 10, 26, 10] else {
            throw PNGReaderError.malformed("\(path) has no PNG signature")
        }
        var p = 8
        var header: [UInt8] = []
        var idat: [UInt8] = []
        var text: [String: String] = [:]
        func be32(_ i: Int) -> Int { Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3]) }
        while p + 8 <= data.count {
            let length = be32(p)
            let type = String(decoding: data[(p + 4)..<(p + 8)], as: UTF8.self)
            guard p + 12 + length <= data.count else { throw PNGReaderError.malformed("chunk \(type) cut off") }
            let body = Array(data[(p + 8)..<(p + 8 + length)])
            switch type {
            case "IHDR": header = body
            case "IDAT": idat += body
            case "tEXt", "zTXt", "iTXt":
                if let (k, v) = try Self.textChunk(type, body) { text[k] = v }
            default: break
            }
            p += 12 + length
            if type == "IEND" { break }
        }
        guard header.count == 13 else { throw PNGReaderError.malformed("no IHDR") }
        func hbe32(_ i: Int) -> Int { Int(header[i]) << 24 | Int(header[i + 1]) << 16 | Int(header[i + 2]) << 8 | Int(header[i + 3]) }
        width = hbe32(0)
        height = hbe32(4)
        bitDepth = Int(header[8])
        colorType = Int(header[9])
        self.text = text
        guard bitDepth == 8 else { throw PNGReaderError.unsupported("bit depth \(bitDepth)") }
        guard header[12] == 0 else { throw PNGReaderError.unsupported("interlacing") }
        let channels: Int
        switch colorType {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw PNGReaderError.unsupported("colour type \(colorType)")
        }
        let raw = try Inflate.zlib(idat)
        let stride = width * channels
        guard raw.count == height * (stride + 1) else {
            throw PNGReaderError.malformed("pixel data is \(raw.count) bytes, expected \(height * (stride + 1))")
        }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = (x >= channels && y > 0) ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
                    predicted = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                default: throw PNGReaderError.malformed("filter type \(filter)")
                }
                pixels[y * stride + x] = UInt8((v + predicted) & 0xff)
            }
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            for ch in 0..<3 {
                rgb[i * 3 + ch] = channels >= 3 ? pixels[i * channels + ch] : pixels[i * channels]
            }
        }
        self.rgb = rgb
    }

    /// Channel `c` (0 red, 1 green, 2 blue) of the pixel at column `x`, row `y`.
    func value(x: Int, y: Int, channel c: Int) -> Int { Int(rgb[(y * width + x) * 3 + c]) }

    private static func textChunk(_ type: String, _ body: [UInt8]) throws -> (String, String)? {
        guard let nul = body.firstIndex(of: 0) else { return nil }
        let keyword = String(decoding: body[..<nul], as: UTF8.self)
        let rest = Array(body[(nul + 1)...])
        switch type {
        case "tEXt":
            return (keyword, String(decoding: rest, as: UTF8.self))
        case "zTXt":
            guard rest.count > 1 else { return nil }
            return (keyword, String(decoding: try Inflate.zlib(Array(rest[1...])), as: UTF8.self))
        default: // iTXt: flag, method, language\0, translated keyword\0, text
            guard rest.count > 2 else { return nil }
            let compressed = rest[0] == 1
            var q = 2
            for _ in 0..<2 {
                guard let z = rest[q...].firstIndex(of: 0) else { return nil }
                q = z + 1
            }
            let payload = Array(rest[q...])
            return (keyword, String(decoding: compressed ? try Inflate.zlib(payload) : payload, as: UTF8.self))
        }
    }
}

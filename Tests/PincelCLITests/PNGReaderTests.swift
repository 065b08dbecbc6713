import Foundation
import Testing

/// The test-side PNG reader against references computed outside Swift (Python's zlib, and
/// `vips rawsave` of Examples/astronaut.png summed with NumPy).
@Suite struct PNGReaderTests {
    @Test func inflatesFixedHuffmanStream() throws {
        // zlib.compress(b"hello hello hello hello", 9)
        let z: [UInt8] = [120, 218, 203, 72, 205, 201, 201, 87, 200, 64, 39, 1, 104, 3, 8, 177]
        #expect(try Inflate.zlib(z) == Array("hello hello hello hello".utf8))
    }

    @Test func inflatesStoredStream() throws {
        // zlib.compress(b"abc", 0)
        let z: [UInt8] = [120, 1, 1, 3, 0, 252, 255, 97, 98, 99, 2, 77, 1, 39]
        #expect(try Inflate.zlib(z) == Array("abc".utf8))
    }

    @Test func rejectsCorruptStream() {
        #expect(throws: PNGReaderError.self) { try Inflate.zlib([120, 218, 255, 255, 255]) }
        #expect(throws: PNGReaderError.self) { try Inflate.zlib([1, 2, 3]) }
    }

    @Test func decodesAstronautLikeLibvips() throws {
        let png = try PNGImage(contentsOf: CLIPaths.astronaut)
        #expect(png.width == 512 && png.height == 512 && png.colorType == 2)
        var sums = [0, 0, 0]
        for i in 0..<(png.width * png.height) { for c in 0..<3 { sums[c] += Int(png.rgb[i * 3 + c]) } }
        #expect(sums == [37_109_758, 27_724_204, 25_290_362])
        #expect((0..<3).map { png.value(x: 200, y: 100, channel: $0) } == [81, 57, 17])
        #expect((0..<3).map { png.value(x: 17, y: 300, channel: $0) } == [120, 13, 26])
        #expect((0..<3).map { png.value(x: 0, y: 0, channel: $0) } == [154, 147, 151])
    }

    @Test func boxDownsampleMatchesNumPy() throws {
        let small = boxDownsampled(try PNGImage(contentsOf: CLIPaths.astronaut), to: 64)
        #expect(small.width == 64 && small.height == 64)
        #expect(Array(small.rgb[0..<3]) == [186.65625, 181.40625, 180.90625])
        let i = (10 * 64 + 20) * 3
        #expect(Array(small.rgb[i..<(i + 3)]) == [109.359375, 86.75, 38.859375])
        #expect(abs(small.rgb.reduce(0, +) / Double(small.rgb.count) - 114.59900410970052) < 1e-9)
    }
}

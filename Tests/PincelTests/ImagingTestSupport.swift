import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Fixture paths and small helpers shared by the Imaging test suites.
enum ImagingFixtures {
    static func path(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL, "test bundle has no resources")
        let url = base.appendingPathComponent("Fixtures/images/\(name)")
        try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(name); run scripts/make_image_fixtures.sh")
        return url.path
    }

    /// A fresh empty folder under the temporary directory (mkdtemp); remove it with
    /// `TemporaryFolder.remove(_:)`.
    static func temporaryFolder() throws -> URL {
        try TemporaryFolder.make(prefix: "pincel-imaging-")
    }

    /// Pixel (r, g, b) at row y, column x of a [3, H, W] image.
    static func pixel(_ image: Tensor, x: Int, y: Int) -> [Float] {
        let h = image.shape[1], w = image.shape[2]
        return (0..<3).map { image.data[$0 * h * w + y * w + x] }
    }

    /// The 40x30 gradient the fixture script draws: r = x·255/39, g = y·255/29, b = (x+y)·255/68.
    static func gradientReference() -> Tensor {
        var t = Tensor(zeros: [3, 30, 40])
        for y in 0..<30 {
            for x in 0..<40 {
                // numpy's float64 arithmetic and round-half-to-even, as in the fixture script.
                let values = [Double(x) * 255 / 39, Double(y) * 255 / 29, Double(x + y) * 255 / 68]
                for c in 0..<3 { t.data[c * 1200 + y * 40 + x] = Float(values[c].rounded(.toNearestOrEven)) }
            }
        }
        return t
    }

    static func meanAbsoluteDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.data, b.data).map { abs($0 - $1) }.reduce(0, +) / Float(a.count)
    }

    static func maxAbsoluteDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
    }

    /// The chunks of a PNG file as (type, data), parsed by hand.
    static func pngChunks(_ path: String) throws -> [(type: String, data: Data)] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var chunks: [(String, Data)] = []
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let end = min(offset + 8 + length, bytes.count)
            chunks.append((type, Data(bytes[offset + 8..<end])))
            offset += 12 + length
        }
        return chunks
    }

    /// Entries of a folder (hidden ones included).
    static func contents(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }
}

/// Expects `body` to throw an `ImageError` matching `matches`.
func expectImageError(_ matches: (ImageError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an ImageError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ImageError {
        #expect(matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
        #expect(!error.description.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected an ImageError, got \(error)", sourceLocation: sourceLocation)
    }
}

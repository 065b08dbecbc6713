import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite struct ImagingRejectTests {
    @Test func emptyFileIsRejected() throws {
        let path = try ImagingFixtures.path("empty.png")
        expectImageError({ $0 == .emptyFile(path: path) }) { _ = try ImageIO.load(path) }
    }

    @Test func textFileIsRejected() throws {
        let path = try ImagingFixtures.path("not_an_image.png")
        expectImageError({ if case .unsupportedFormat(path, _) = $0 { true } else { false } }) { _ = try ImageIO.load(path) }
    }

    @Test func truncatedJPEGIsRejected() throws {
        let path = try ImagingFixtures.path("truncated.jpg")
        expectImageError({ if case .decodeFailed(path, _) = $0 { true } else { false } }) { _ = try ImageIO.load(path) }
        expectImageError({ if case .decodeFailed(path, _) = $0 { true } else { false } }) {
            _ = try ImageIO.load(path, longerSide: 10)
        }
    }

    @Test func hugeHeaderIsRejectedBeforeDecoding() throws {
        let path = try ImagingFixtures.path("huge_header.png")
        #expect(try ImageIO.imageInfo(path) == (100_000, 100_000))
        expectImageError({ $0 == .tooLarge(path: path, width: 100_000, height: 100_000, maxPixels: 100_000_000) }) {
            _ = try ImageIO.load(path)
        }
        // The limit is a parameter.
        let small = try ImagingFixtures.path("quadrants.png")
        expectImageError({ if case .tooLarge(small, 32, 24, 700) = $0 { true } else { false } }) {
            _ = try ImageIO.load(small, maxPixels: 700)
        }
        #expect(try ImageIO.load(small, maxPixels: 768).shape == [3, 24, 32])
    }

    @Test func svgIsRejected() throws {
        let path = try ImagingFixtures.path("vector.svg")
        expectImageError({ if case .unsupportedFormat(path, _) = $0 { true } else { false } }) { _ = try ImageIO.load(path) }
    }

    @Test func otherLoadersAreRefused() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let files = [
            "a.csv": "1,2,3\n4,5,6\n",
            "a.mat": "2 2\n1 2\n3 4\n",
            "a.ppm": "P3\n1 1\n255\n1 2 3\n",
            "a.pdf": "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
        ]
        for (name, content) in files {
            let path = folder.appendingPathComponent(name).path
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            expectImageError({ if case .unsupportedFormat(path, _) = $0 { true } else { false } }) { _ = try ImageIO.load(path) }
        }
    }

    @Test func missingFileIsRejected() {
        expectImageError({ $0 == .fileNotFound(path: "/nonexistent/x.png") }) { _ = try ImageIO.load("/nonexistent/x.png") }
        expectImageError({ $0 == .notAnImageFile(path: "/tmp", kind: .folder) }) { _ = try ImageIO.load("/tmp") }
    }
}

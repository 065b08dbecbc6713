import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite struct ImagingLoadTests {
    @Test func quadrantPNGLoadsExactly() throws {
        let image = try ImageIO.load(try ImagingFixtures.path("quadrants.png"))
        #expect(image.shape == [3, 24, 32])
        #expect(ImagingFixtures.pixel(image, x: 0, y: 0) == [255, 0, 0])
        #expect(ImagingFixtures.pixel(image, x: 31, y: 0) == [0, 255, 0])
        #expect(ImagingFixtures.pixel(image, x: 0, y: 23) == [0, 0, 255])
        #expect(ImagingFixtures.pixel(image, x: 31, y: 23) == [255, 255, 255])
        #expect(try ImageIO.imageInfo(try ImagingFixtures.path("quadrants.png")) == (32, 24))
    }

    /// libvips reads "[...]" at the end of a file name as load options; Pincel opens files as
    /// sources, so any name loads, and saves keep the name too.
    @Test func fileNamesWithBracketsLoadAndSave() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let odd = folder.appendingPathComponent("photo[page=1,access=random].png").path
        try FileManager.default.copyItem(atPath: try ImagingFixtures.path("quadrants.png"), toPath: odd)
        let image = try ImageIO.load(odd)
        #expect(image.shape == [3, 24, 32])
        #expect(ImagingFixtures.pixel(image, x: 31, y: 0) == [0, 255, 0])
        let saved = folder.appendingPathComponent("out[Q=1].jpg").path
        try ImageIO.save(image, to: saved)
        #expect(try ImageIO.load(saved).shape == [3, 24, 32])
        #expect(try ImagingFixtures.contents(of: folder).sorted() == ["out[Q=1].jpg", "photo[page=1,access=random].png"])
    }

    @Test func grayscalePNGBecomesEqualRGB() throws {
        let image = try ImageIO.load(try ImagingFixtures.path("gray.png"))
        #expect(image.shape == [3, 8, 16])
        for y in 0..<8 {
            for x in 0..<16 {
                let expected = Float(16 * x + y)
                #expect(ImagingFixtures.pixel(image, x: x, y: y) == [expected, expected, expected])
            }
        }
    }

    @Test func sixteenBitPNGKeepsFractionalPrecision() throws {
        let image = try ImageIO.load(try ImagingFixtures.path("rgb16.png"))
        #expect(image.shape == [3, 8, 16])
        var maxError: Float = 0
        for y in 0..<8 {
            for x in 0..<16 {
                let red = Float(x * 4096 + 257)
                let expected = [red / 257, (65535 - red) / 257, Float(8000 * y) / 257]
                let got = ImagingFixtures.pixel(image, x: x, y: y)
                for c in 0..<3 { maxError = max(maxError, abs(got[c] - expected[c])) }
            }
        }
        #expect(maxError < 0.01, "max error \(maxError)")
    }

    @Test func transparentPixelsFlattenOntoWhite() throws {
        let image = try ImageIO.load(try ImagingFixtures.path("rgba.png"))
        #expect(image.shape == [3, 8, 8])
        #expect(ImagingFixtures.pixel(image, x: 0, y: 0) == [10, 20, 30])
        #expect(ImagingFixtures.pixel(image, x: 7, y: 7) == [255, 255, 255])
    }

    @Test func exifOrientationSixRotatesClockwise() throws {
        let path = try ImagingFixtures.path("exif_orientation6.jpg")
        #expect(try ImageIO.imageInfo(path) == (24, 32))
        let image = try ImageIO.load(path)
        #expect(image.shape == [3, 32, 24])
        // Stored: red top-left, green top-right, blue bottom-left, white bottom-right.
        // Rotated 90° clockwise: blue top-left, red top-right, white bottom-left, green bottom-right.
        func close(_ p: [Float], _ q: [Float]) -> Bool { zip(p, q).allSatisfy { abs($0 - $1) < 40 } }
        #expect(close(ImagingFixtures.pixel(image, x: 3, y: 3), [0, 0, 255]))
        #expect(close(ImagingFixtures.pixel(image, x: 20, y: 3), [255, 0, 0]))
        #expect(close(ImagingFixtures.pixel(image, x: 3, y: 28), [255, 255, 255]))
        #expect(close(ImagingFixtures.pixel(image, x: 20, y: 28), [0, 255, 0]))
    }

    @Test func gifFirstFrameLoadsExactly() throws {
        let image = try ImageIO.load(try ImagingFixtures.path("quadrants.gif"))
        #expect(image.shape == [3, 24, 32])
        #expect(ImagingFixtures.pixel(image, x: 31, y: 0) == [0, 255, 0])
        #expect(ImagingFixtures.pixel(image, x: 0, y: 23) == [0, 0, 255])
    }

    @Test(arguments: ["gradient.webp", "gradient.tif"])
    func losslessFormatsMatchTheReference(name: String) throws {
        let image = try ImageIO.load(try ImagingFixtures.path(name))
        #expect(image.shape == [3, 30, 40])
        #expect(ImagingFixtures.maxAbsoluteDifference(image, ImagingFixtures.gradientReference()) == 0)
    }

    @Test(arguments: [("gradient.jpg", Float(1.5)), ("lab.tif", Float(0.05)),
                      ("cmyk_icc.jpg", Float(10)), ("cmyk_noicc.jpg", Float(16))])
    func convertedFormatsApproximateTheReference(name: String, tolerance: Float) throws {
        let image = try ImageIO.load(try ImagingFixtures.path(name))
        #expect(image.shape == [3, 30, 40])
        let error = ImagingFixtures.meanAbsoluteDifference(image, ImagingFixtures.gradientReference())
        #expect(error < tolerance, "\(name): mean abs error \(error)")
        // Not inverted: dark top-left, light bottom-right.
        #expect(ImagingFixtures.pixel(image, x: 0, y: 0).allSatisfy { $0 < 70 })
        #expect(ImagingFixtures.pixel(image, x: 39, y: 29).allSatisfy { $0 > 200 })
    }

    @Test func realExampleImagesLoad() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples").path
        try #require(FileManager.default.fileExists(atPath: examples + "/starry_night.jpg"), "Examples/ is missing")
        let starry = try ImageIO.load(examples + "/starry_night.jpg")
        #expect(starry.shape == [3, 640, 1024])
        let astronaut = try ImageIO.load(examples + "/astronaut.png", longerSide: 128)
        #expect(astronaut.shape == [3, 128, 128])
        #expect(astronaut.data.allSatisfy { $0 >= 0 && $0 <= 255 })
    }
}

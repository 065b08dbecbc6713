import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite struct ImagingSaveTests {
    /// Deterministic pseudo-random [3, h, w] image with fractional values in 0…255.
    static func noise(height: Int, width: Int, seed: UInt64 = 42) -> Tensor {
        var state = seed
        let data = (0..<(3 * height * width)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 255
        }
        return Tensor(shape: [3, height, width], data: data)
    }

    @Test func eightBitPNGRoundTripsWithinRounding() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let image = Self.noise(height: 17, width: 23)
        let path = folder.appendingPathComponent("out.png").path
        try ImageIO.save(image, to: path)
        let loaded = try ImageIO.load(path)
        #expect(loaded.shape == image.shape)
        #expect(loaded.data == image.data.map { $0.rounded(.toNearestOrAwayFromZero) })
        #expect(try ImagingFixtures.contents(of: folder) == ["out.png"])
    }

    @Test func sixteenBitPNGIsMorePreciseThanEightBit() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let image = Self.noise(height: 9, width: 11, seed: 7)
        let path8 = folder.appendingPathComponent("a.png").path
        let path16 = folder.appendingPathComponent("b.png").path
        try ImageIO.save(image, to: path8)
        try ImageIO.save(image, to: path16, options: ImageSaveOptions(bitDepth: 16))
        let error8 = ImagingFixtures.maxAbsoluteDifference(try ImageIO.load(path8), image)
        let error16 = ImagingFixtures.maxAbsoluteDifference(try ImageIO.load(path16), image)
        #expect(error8 > 0.1 && error8 <= 0.5)
        #expect(error16 <= 0.5 / 257 + 0.001, "16-bit max error \(error16)")
    }

    @Test func valuesAreClampedOnSave() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let image = Tensor(shape: [3, 1, 2], data: [-40, 300, 12.4, 12.6, .nan, 255.2])
        let path = folder.appendingPathComponent("clamp.png").path
        try ImageIO.save(image, to: path)
        #expect(try ImageIO.load(path).data == [0, 255, 12, 13, 0, 255])
    }

    @Test(arguments: ["jpg", "jpeg", "webp", "tif", "tiff", "PNG"])
    func otherFormatsSaveAndReload(ext: String) throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let image = ImagingFixtures.gradientReference()
        let path = folder.appendingPathComponent("out.\(ext)").path
        try ImageIO.save(image, to: path, options: ImageSaveOptions(quality: 95))
        let loaded = try ImageIO.load(path)
        #expect(loaded.shape == image.shape)
        #expect(ImagingFixtures.meanAbsoluteDifference(loaded, image) < 3)
        #expect(try ImagingFixtures.contents(of: folder) == ["out.\(ext)"])
    }

    @Test func sRGBProfileIsEmbedded() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        for ext in ["jpg", "webp", "tif"] {
            let path = folder.appendingPathComponent("icc.\(ext)").path
            try ImageIO.save(ImagingFixtures.gradientReference(), to: path)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            // Every ICC profile carries the signature "acsp" (stored uncompressed in these formats).
            #expect(bytes.range(of: Data("acsp".utf8)) != nil, "\(ext): no ICC profile found")
        }
        // PNG stores the profile zlib-compressed in an iCCP chunk.
        let png = folder.appendingPathComponent("icc.png").path
        try ImageIO.save(ImagingFixtures.gradientReference(), to: png)
        #expect(try ImagingFixtures.pngChunks(png).map(\.type).contains("iCCP"))
        let bare = folder.appendingPathComponent("bare.png").path
        try ImageIO.save(ImagingFixtures.gradientReference(), to: bare, options: ImageSaveOptions(embedSRGBProfile: false))
        #expect(!(try ImagingFixtures.pngChunks(bare).map(\.type).contains("iCCP")))
        let bareJPEG = folder.appendingPathComponent("bare.jpg").path
        try ImageIO.save(ImagingFixtures.gradientReference(), to: bareJPEG, options: ImageSaveOptions(embedSRGBProfile: false))
        #expect(try Data(contentsOf: URL(fileURLWithPath: bareJPEG)).range(of: Data("acsp".utf8)) == nil)
    }

    @Test func pngTextMetadataRoundTrips() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let path = folder.appendingPathComponent("meta.png").path
        let text = ["pincel-seed": "1234", "Software": "Pincel", "Style_Weight": "1e6 (alpha/beta) = x"]
        try ImageIO.save(ImagingFixtures.gradientReference(), to: path, options: ImageSaveOptions(text: text))
        #expect(try ImageIO.textMetadata(path) == text)
        // Independent check: the raw file holds one text chunk per key, keyword first.
        let keywords = try ImagingFixtures.pngChunks(path)
            .filter { ["tEXt", "zTXt", "iTXt"].contains($0.type) }
            .compactMap { chunk in chunk.data.split(separator: 0, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } }
        #expect(keywords.sorted() == text.keys.sorted())
        #expect(try ImageIO.textMetadata(try ImagingFixtures.path("quadrants.png")) == [:])
    }

    @Test func missingFolderThrowsAndLeavesNothing() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let path = folder.appendingPathComponent("missing/out.png").path
        expectImageError({ if case .saveFailed = $0 { true } else { false } }) {
            try ImageIO.save(ImagingFixtures.gradientReference(), to: path)
        }
        #expect(try ImagingFixtures.contents(of: folder).isEmpty)
    }

    @Test func badExtensionOrOptionsThrowAndLeaveNothing() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let image = ImagingFixtures.gradientReference()
        for name in ["out.bmp", "out", "out.svg"] {
            expectImageError({ if case .unsupportedOutputFormat = $0 { true } else { false } }) {
                try ImageIO.save(image, to: folder.appendingPathComponent(name).path)
            }
        }
        expectImageError({ if case .invalidSaveOption = $0 { true } else { false } }) {
            try ImageIO.save(image, to: folder.appendingPathComponent("deep.jpg").path, options: ImageSaveOptions(bitDepth: 16))
        }
        expectImageError({ if case .invalidSaveOption = $0 { true } else { false } }) {
            try ImageIO.save(image, to: folder.appendingPathComponent("q.webp").path, options: ImageSaveOptions(quality: 0))
        }
        expectImageError({ if case .invalidSaveOption = $0 { true } else { false } }) {
            try ImageIO.save(image, to: folder.appendingPathComponent("k.png").path, options: ImageSaveOptions(text: ["bad\nkey": "x"]))
        }
        expectImageError({ if case .invalidSaveOption = $0 { true } else { false } }) {
            try ImageIO.save(image, to: folder.appendingPathComponent("s.png").path, options: ImageSaveOptions(text: ["has space": "x"]))
        }
        expectImageError({ if case .invalidImageShape = $0 { true } else { false } }) {
            try ImageIO.save(Tensor(zeros: [1, 4, 4]), to: folder.appendingPathComponent("gray.png").path)
        }
        #expect(try ImagingFixtures.contents(of: folder).isEmpty)
    }

    @Test func saveReplacesAnExistingFile() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let path = folder.appendingPathComponent("same.png").path
        try ImageIO.save(Tensor(shape: [3, 1, 1], data: [1, 2, 3]), to: path)
        try ImageIO.save(Tensor(shape: [3, 2, 1], data: [4, 5, 6, 7, 8, 9]), to: path)
        #expect(try ImageIO.load(path).data == [4, 5, 6, 7, 8, 9])
        #expect(try ImagingFixtures.contents(of: folder) == ["same.png"])
    }
}

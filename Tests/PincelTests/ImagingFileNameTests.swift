import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL
@testable import PincelVideo

/// libvips reads `name[options]` and other forms in file names it is given; Pincel hands it
/// sources and plain temporary files, so every name loads and saves as itself.
@Suite struct ImagingFileNameTests {
    static let names = ["photo[1]", "a[Q=5]", "100%", "%s%n", "with space", "quote's", "double\"quote", "-dash", "é 写",
                        "new\nline", "glob*?{a}", "http:x", "x.png[page=2]"]

    @Test(arguments: names) func everyFormatSavesAndLoadsTheName(stem: String) throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let image = ImagingSaveTests.noise(height: 9, width: 13)
        for ext in ["png", "jpg", "webp", "tif"] {
            let path = folder.appendingPathComponent(stem + "." + ext).path
            try ImageIO.save(image, to: path, options: ImageSaveOptions(text: ["pincel-seed": "7"]))
            let loaded = try ImageIO.load(path)
            #expect(loaded.shape == [3, 9, 13], "\(stem).\(ext)")
            let info = try ImageIO.imageInfo(path)
            #expect(info.width == 13 && info.height == 9, "\(stem).\(ext)")
            #expect(try ImageIO.textMetadata(path)["pincel-seed"] == "7", "\(stem).\(ext)")
        }
        #expect(try ImagingFixtures.contents(of: folder) == ["png", "jpg", "webp", "tif"].map { stem + "." + $0 }.sorted())
    }
}

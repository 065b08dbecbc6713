import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The text a transfer stores (seed, command) in every output format: PNG text chunks, and an
/// XMP packet in JPEG, WebP and TIFF, each read back by `ImageIO.textMetadata`.
@Suite struct ImagingMetadataTests {
    static let text = ["Software": "Pincel 1.0", "pincel-seed": "4294967295",
                       "pincel-command": "pincel --content 'a b.png' --style <x>&\"y\" --output out.jpg"]

    @Test(arguments: ["jpg", "jpeg", "webp", "tif", "tiff", "png"])
    func textRoundTrips(_ ext: String) throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let path = folder.appendingPathComponent("meta.\(ext)").path
        try ImageIO.save(ImagingFixtures.gradientReference(), to: path, options: ImageSaveOptions(text: Self.text))
        #expect(try ImageIO.textMetadata(path) == Self.text)
    }

    /// Independent of the reader: the raw JPEG, WebP and TIFF bytes hold the XMP element.
    @Test(arguments: ["jpg", "webp", "tif"])
    func rawFileHoldsTheXMPElement(_ ext: String) throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let path = folder.appendingPathComponent("meta.\(ext)").path
        try ImageIO.save(ImagingFixtures.gradientReference(), to: path, options: ImageSaveOptions(text: ["pincel-seed": "77"]))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.range(of: Data("<pincel:pincel-seed>77</pincel:pincel-seed>".utf8)) != nil)
        #expect(bytes.range(of: Data(XMPText.namespace.utf8)) != nil)
    }

    @Test func filesWithoutTextGiveNone() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        for ext in ["jpg", "webp", "tif"] {
            let path = folder.appendingPathComponent("bare.\(ext)").path
            try ImageIO.save(ImagingFixtures.gradientReference(), to: path)
            #expect(try ImageIO.textMetadata(path) == [:])
        }
    }

    /// A command longer than a JPEG APP1 segment holds is shortened, and the file still saves.
    @Test func longValuesFitInAJPEG() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let path = folder.appendingPathComponent("long.jpg").path
        let long = String(repeating: "--style x.png ", count: 20_000)
        try ImageIO.save(ImagingFixtures.gradientReference(), to: path,
                         options: ImageSaveOptions(text: ["pincel-seed": "5", "pincel-command": long]))
        let read = try ImageIO.textMetadata(path)
        #expect(read["pincel-seed"] == "5")
        let command = read["pincel-command"] ?? ""
        #expect(command.hasPrefix("--style x.png") && command.hasSuffix("…") && command.utf8.count < 60_000)
    }

    /// A hostile packet (many unclosed elements, bad entities) reads in linear time and keeps
    /// what is well formed.
    @Test func hostilePacketsReadQuickly() {
        let opens = String(repeating: "<pincel:", count: 200_000) + ">"
        #expect(XMPText.read(XMPText.namespace + opens).isEmpty)
        let packet = XMPText.namespace + "<pincel:a>&bogus;&#xFFFFFFFF;&#65;&amp</pincel:a>" + String(repeating: "<pincel:b>", count: 50_000)
        #expect(XMPText.read(packet) == ["a": "&bogus;&#xFFFFFFFF;A&amp"])
    }

    @Test func controlCharactersBecomeReplacementCharacters() {
        #expect(XMPText.read(XMPText.packet(["k": "a\u{1B}[31mb\tc\nd"])) == ["k": "a\u{FFFD}[31mb\tc\nd"])
    }

    @Test func keysThatAreNoXMLNamesAreRefusedForXMPOnly() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let options = ImageSaveOptions(text: ["1st/key": "v"])
        expectImageError({ if case .invalidSaveOption = $0 { true } else { false } }) {
            try ImageIO.save(ImagingFixtures.gradientReference(), to: folder.appendingPathComponent("k.jpg").path, options: options)
        }
        try ImageIO.save(ImagingFixtures.gradientReference(), to: folder.appendingPathComponent("k.png").path, options: options)
        #expect(try ImagingFixtures.contents(of: folder) == ["k.png"])
    }
}

import Foundation
import Testing
import PincelTestSupport
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// What a path is, checked before any decoder sees it, and the output checks and temporary
/// names of the atomic save.
@Suite struct ImagingFileChecksTests {
    /// Paths that are not regular files are refused at once, whatever link leads to them.
    @Test func specialFilesAreRefusedBeforeDecoding() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let fifo = folder.appendingPathComponent("pipe.png").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let links = ["zero.png": "/dev/zero", "fifo.png": fifo, "dir.png": folder.path]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(name).path,
                                                       withDestinationPath: target)
        }
        let cases: [(String, FileKind)] = [
            (folder.appendingPathComponent("zero.png").path, .characterDevice), ("/dev/zero", .characterDevice),
            (fifo, .namedPipe), (folder.appendingPathComponent("fifo.png").path, .namedPipe),
            (folder.appendingPathComponent("dir.png").path, .folder), (folder.path + "/", .folder),
        ]
        for (path, kind) in cases {
            expectImageError({ $0 == .notAnImageFile(path: path, kind: kind) }) { _ = try ImageIO.load(path) }
            expectImageError({ $0 == .notAnImageFile(path: path, kind: kind) }) { _ = try ImageIO.load(path, longerSide: 8) }
            expectImageError({ $0 == .notAnImageFile(path: path, kind: kind) }) {
                _ = try ImageIO.load(path, width: 8, height: 8)
            }
            expectImageError({ $0 == .notAnImageFile(path: path, kind: kind) }) { _ = try ImageIO.imageInfo(path) }
        }
        #expect(ImageError.notAnImageFile(path: "photos/", kind: .folder).description
                == "photos/: is a folder, not an image file.")
        // An empty file behind a link is empty, not the link's size.
        let empty = folder.appendingPathComponent("empty.png").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        let emptyLink = folder.appendingPathComponent("empty-link.png").path
        try FileManager.default.createSymbolicLink(atPath: emptyLink, withDestinationPath: empty)
        expectImageError({ $0 == .emptyFile(path: emptyLink) }) { _ = try ImageIO.load(emptyLink) }
    }

    @Test func identityIgnoresSpelling() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let file = folder.appendingPathComponent("a.png").path
        try Data([1]).write(to: URL(fileURLWithPath: file))
        let hard = folder.appendingPathComponent("hard.png").path
        #expect(link(file, hard) == 0)
        let soft = folder.appendingPathComponent("soft.png").path
        try FileManager.default.createSymbolicLink(atPath: soft, withDestinationPath: file)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: false)
        let id = try #require(FileIdentity(path: file))
        for spelling in [hard, soft, folder.path + "/./a.png", folder.path + "/sub/../a.png"] {
            #expect(FileIdentity(path: spelling) == id, "\(spelling)")
        }
        #expect(FileIdentity(path: folder.appendingPathComponent("other.png").path) == nil)
    }

    /// The hidden temporary name always fits NAME_MAX (255 bytes), for long and multi-byte names.
    @Test func temporaryNameFitsNameMax() {
        for name in [String(repeating: "a", count: 240) + ".png", String(repeating: "é", count: 125) + ".jpg", "x.png",
                     String(repeating: "b", count: 251) + ".tiff"] {
            let temporary = OutputCheck.temporaryPath(for: "/tmp/some/folder/" + name)
            let (folder, base) = OutputCheck.split(temporary)
            #expect(folder == "/tmp/some/folder")
            #expect(base.hasPrefix("."), "\(base)")
            #expect(base.utf8.count <= 255, "\(base.utf8.count) bytes")
            #expect(base.contains(".tmp-\(getpid())-"))
        }
        #expect(OutputCheck.temporaryPath(for: "out.png").hasPrefix("./.out.png.tmp-"))
        #expect(OutputCheck.temporaryPath(for: "/out.png").hasPrefix("/.out.png.tmp-"))
    }

    /// A 250-byte file name saves (its temporary name is shortened) and leaves only the file.
    @Test func longFileNameSavesAndLeavesNoTemporary() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let name = String(repeating: "n", count: 246) + ".png"
        let path = folder.appendingPathComponent(name).path
        try ImageIO.save(Tensor(zeros: [3, 4, 4]), to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
        #expect(try ImageIO.load(path).shape == [3, 4, 4])
    }

    @Test func outputChecksRefuseBeforeAnyWork() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        func reason(_ path: String, _ mode: OutputCheck.Mode = .replacedAtomically) -> String? {
            do { try OutputCheck.check(path, mode: mode); return nil } catch let ImageError.outputNotWritable(_, reason) {
                return reason
            } catch { return "\(error)" }
        }
        #expect(reason(folder.appendingPathComponent("ok.png").path) == nil)
        #expect(reason(folder.path)?.contains("folder") == true)
        #expect(reason(folder.appendingPathComponent(String(repeating: "a", count: 256)).path)?.contains("256 bytes") == true)
        #expect(reason(folder.appendingPathComponent("missing/x.png").path)?.contains("does not exist") == true)
        #expect(reason("/dev/null", .replacedAtomically)?.contains("character device") == true)
        #expect(reason("/dev/null", .writtenInPlace) == nil)
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(reason(fifo, .writtenInPlace)?.contains("no process is reading") == true)
        // The probe leaves nothing behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fifo"])
    }

    /// A save that fails midway (disk full) leaves neither the file nor its temporary file.
    /// Needs a tiny tmpfs: runs where `mount` is allowed (root with CAP_SYS_ADMIN), else skipped.
    @Test(.enabled(if: TmpfsMount.isAvailable, "needs a tmpfs mount (root with CAP_SYS_ADMIN)"))
    func fullDiskSaveLeavesNothing() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        try #require(TmpfsMount.mount(folder.path, options: "size=12k"), "mount failed")
        defer { TmpfsMount.unmount(folder.path) }
        let path = folder.appendingPathComponent("big.png").path
        var noise = Tensor(zeros: [3, 128, 128])
        var state: UInt32 = 1
        for i in noise.data.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            noise.data[i] = Float(state >> 24)
        }
        expectImageError({ if case .saveFailed(path, _) = $0 { true } else { false } }) {
            try ImageIO.save(noise, to: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// The --init path: loaded straight at the size asked for.
    @Test func loadAtExactSize() throws {
        let path = try ImagingFixtures.path("quadrants.png")
        let image = try ImageIO.load(path, width: 10, height: 7)
        #expect(image.shape == [3, 7, 10])
        #expect(image.data.allSatisfy { (0...255).contains($0) })
        let reference = try ImageIO.resize(ImageIO.load(path), width: 10, height: 7)
        #expect(ImagingFixtures.maxAbsoluteDifference(image, reference.clamped()) < 1.5)
    }

    /// libpng refuses a 20,000,000-pixel-wide header with only a warning; the error says why.
    @Test func refusedPNGHeaderGivesItsSize() throws {
        let folder = try ImagingFixtures.temporaryFolder()
        defer { TemporaryFolder.remove(folder) }
        let wide = folder.appendingPathComponent("wide.png").path
        try PNGBytes.header(width: 20_000_000, height: 1).write(to: URL(fileURLWithPath: wide))
        expectImageError({ error in
            guard case .decodeFailed(wide, let message) = error else { return false }
            return message.contains("20000000x1") && message.contains("1000000")
        }) { _ = try ImageIO.load(wide) }
        let huge = folder.appendingPathComponent("huge.png").path
        try PNGBytes.header(width: 2_147_483_647, height: 1).write(to: URL(fileURLWithPath: huge))
        expectImageError({ $0 == .tooLarge(path: huge, width: 2_147_483_647, height: 1, maxPixels: 100_000_000) }) {
            _ = try ImageIO.load(huge)
        }
        #expect(!Vips.takeErrorMessage().contains("unknown"))
    }
}

private extension Tensor {
    func clamped() -> Tensor {
        var copy = self
        copy.data = data.map { Swift.min(Swift.max($0, 0), 255) }
        return copy
    }
}

/// A PNG file with only a header (IHDR), a tiny IDAT and IEND.
enum PNGBytes {
    static func header(width: UInt32, height: UInt32) -> Data {
        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = Data()
        for value in [width, height] { ihdr.append(contentsOf: withUnsafeBytes(of: value.bigEndian, Array.init)) }
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])
        data.append(chunk("IHDR", ihdr))
        data.append(chunk("IDAT", Data([0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])))
        data.append(chunk("IEND", Data()))
        return data
    }

    private static func chunk(_ type: String, _ body: Data) -> Data {
        var out = Data(withUnsafeBytes(of: UInt32(body.count).bigEndian, Array.init))
        let typed = Data(type.utf8) + body
        out.append(typed)
        out.append(contentsOf: withUnsafeBytes(of: crc32(typed).bigEndian, Array.init))
        return out
    }

    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

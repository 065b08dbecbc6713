import Foundation
import PincelTestSupport
import Testing

/// Input paths that are not image files: refused with one line before any decoder opens them,
/// never a hang (a decoder would block on a FIFO or read /dev/zero without end).
@Suite struct CLIInputFileTests {
    /// Runs `pincel args…` in a folder holding `fifo` (a named pipe), `zero.png` → /dev/zero,
    /// `pipe.png` → fifo, `photos/` (a folder) and `photo.png` (a copy of the astronaut).
    private func run(_ args: [String], timeout: Double = 20) throws -> CLIResult {
        try withTemporaryDirectory { dir in
            let fm = FileManager.default
            #expect(mkfifo(dir.appendingPathComponent("fifo").path, 0o644) == 0)
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent("zero.png").path, withDestinationPath: "/dev/zero")
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent("pipe.png").path, withDestinationPath: "fifo")
            try fm.createDirectory(at: dir.appendingPathComponent("photos"), withIntermediateDirectories: false)
            try fm.copyItem(atPath: CLIPaths.astronaut, toPath: dir.appendingPathComponent("photo.png").path)
            let r = try runPincel(args, in: dir, timeout: timeout)
            #expect(!fm.fileExists(atPath: dir.appendingPathComponent("out.png").path), "an output was written")
            return r
        }
    }

    private func expectRefused(_ r: CLIResult, _ words: [String]) {
        #expect(r.status == 1 && !r.killedBySignal, "\(r.summary)")
        #expect(!r.looksLikeCrash, "\(r.summary)")
        #expect(r.errorLines.count == 1, "expected one Error: line: \(r.stderr)")
        let line = r.errorLines.first ?? ""
        for word in words { #expect(line.contains(word), "'\(word)' missing from: \(line)") }
        #expect(r.stdout.isEmpty)
    }

    static let transfer = ["--style", CLIPaths.starryNight, "--output", "out.png", "--size", "48", "--iterations", "1"]

    @Test func linkToDevZeroAsContent() throws {
        expectRefused(try run(["--content", "zero.png"] + Self.transfer), ["--content zero.png", "character device"])
    }

    @Test func linkToFIFOAsStyle() throws {
        let r = try run(["--content", "photo.png", "--style", "pipe.png", "--output", "out.png", "--size", "48"])
        expectRefused(r, ["--style pipe.png", "named pipe"])
    }

    @Test func folderAsContent() throws {
        expectRefused(try run(["--content", "photos/"] + Self.transfer), ["--content photos/: is a folder, not an image file"])
    }

    @Test func fifoAsInit() throws {
        expectRefused(try run(["--content", "photo.png", "--init", "fifo"] + Self.transfer), ["--init fifo", "named pipe"])
    }

    @Test func devZeroInFigureCommands() throws {
        let common = ["--output", "out.png", "--size", "32", "--iterations", "1"]
        expectRefused(try run(["reconstruct", "content", "--image", "zero.png"] + common), ["--image zero.png", "device"])
        expectRefused(try run(["sheet", "init", "--content", "photo.png", "--style", "pipe.png"] + common),
                      ["--style pipe.png", "named pipe"])
    }

    /// A TIFF with 30 unknown tags and a truncated strip: libtiff's warnings stay off stderr,
    /// the failure is one line that says what is wrong.
    @Test(.needsWeights) func decoderWarningsStayQuiet() throws {
        try withTemporaryDirectory { dir in
            try TIFFBytes.truncated(unknownTags: 30).write(to: dir.appendingPathComponent("bad.tif"))
            let r = try runPincel(["--content", "bad.tif"] + Self.transfer, in: dir, timeout: 60)
            expectRefused(r, ["bad.tif", "could not decode", "read error"])
            #expect(!r.stderr.contains("WARNING") && !r.stderr.contains("Unknown field"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count <= 2, "stderr: \(r.stderr)")  // "seed: N" and the error
        }
    }

    /// libpng refuses the header with only a warning; the one line gives the size, never
    /// "unknown libvips error".
    @Test(.needsWeights) func refusedHeaderSaysWhy() throws {
        try withTemporaryDirectory { dir in
            try PNGHeaderBytes.make(width: 20_000_000, height: 1).write(to: dir.appendingPathComponent("wide.png"))
            let r = try runPincel(["--content", "wide.png"] + Self.transfer, in: dir, timeout: 60)
            expectRefused(r, ["wide.png", "20000000x1"])
            #expect(!r.stderr.contains("unknown libvips error"))
        }
    }
}

/// A little-endian 100x100 grey TIFF whose strip is cut short, with extra unknown tags.
enum TIFFBytes {
    static func truncated(unknownTags: Int) -> Data {
        var entries: [(tag: UInt16, type: UInt16, value: UInt32)] = [
            (256, 4, 100), (257, 4, 100), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 8), (277, 3, 1),
            (278, 4, 100), (279, 4, 10_000),
        ]
        for k in 0..<unknownTags { entries.append((UInt16(40_000 + k), 3, 1)) }
        var data = Data("II*\0".utf8)
        append(&data, UInt32(8 + 100))
        data.append(Data(repeating: 0x55, count: 100))
        append(&data, UInt16(entries.count))
        for e in entries {
            append(&data, e.tag)
            append(&data, e.type)
            append(&data, UInt32(1))
            if e.type == 3 {
                append(&data, UInt16(e.value))
                append(&data, UInt16(0))
            } else {
                append(&data, e.value)
            }
        }
        append(&data, UInt32(0))
        return data
    }

    private static func append<T: FixedWidthInteger>(_ data: inout Data, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}

/// A PNG file with a header (IHDR) of any size and a tiny IDAT.
enum PNGHeaderBytes {
    static func make(width: UInt32, height: UInt32) -> Data {
        var ihdr = Data()
        for value in [width, height] { withUnsafeBytes(of: value.bigEndian) { ihdr.append(contentsOf: $0) } }
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + chunk("IHDR", ihdr)
            + chunk("IDAT", Data([0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])) + chunk("IEND", Data())
    }

    private static func chunk(_ type: String, _ body: Data) -> Data {
        let typed = Data(type.utf8) + body
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in typed {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        var out = Data()
        withUnsafeBytes(of: UInt32(body.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(typed)
        withUnsafeBytes(of: (~crc).bigEndian) { out.append(contentsOf: $0) }
        return out
    }
}

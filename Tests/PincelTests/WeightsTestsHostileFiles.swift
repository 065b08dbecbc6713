import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Attacks on the containers (zip, safetensors, the file itself) and on the weight values.
@Suite(.scratchFolder) struct WeightsHostileFileTests {
    static let tinyPickle: Data = {
        var p = HostileWeights.Pickle()
        p.op(0x7D); p.stop()
        return p.data
    }()

    // MARK: - zip

    /// 64 MiB of zeros deflates to ~64 kB; declared as 1 kB it must stop at 1 kB + 1 byte.
    @Test func inflateStopsAtTheDeclaredSize() throws {
        let bomb = try HostileWeights.deflate(Data(count: 64 << 20))
        let zip = HostileWeights.zip([
            .init("a/data.pkl", Self.tinyPickle),
            .init(name: "a/data/0", method: 8, stored: bomb, declaredSize: 1024),
        ])
        let directory = try ZipDirectory(data: zip, path: "bomb.pth")
        let entry = try #require(directory.entries["a/data/0"])
        HostileWeights.expectRefusal("inflates to more than the 1024 bytes it declares") { _ = try directory.contents(of: entry) }
    }

    /// A declared size above the archive's inflate budget is refused before inflating.
    @Test func inflateBudgetIsEnforced() throws {
        let zeros = try HostileWeights.deflate(Data(count: 4 << 20))
        let zip = HostileWeights.zip([.init(name: "a/data/0", method: 8, stored: zeros, declaredSize: 4 << 20)])
        let directory = try ZipDirectory(data: zip, path: "big.pth", inflateBudget: 1 << 20)
        let entry = try #require(directory.entries["a/data/0"])
        HostileWeights.expectRefusal("would inflate to 4194304 bytes") { _ = try directory.contents(of: entry) }
        // Within budget, the same entry inflates exactly.
        #expect(try ZipDirectory(data: zip, path: "big.pth").contents(of: entry) == Data(count: 4 << 20))
    }

    /// Deflate cannot expand more than 1032:1, so a larger declared size is refused at once
    /// (no 600 MB buffer for a 100-byte entry).
    @Test func impossibleExpansionIsRefused() throws {
        let zip = HostileWeights.zip([.init(name: "a/data/0", method: 8, stored: Data(count: 100), declaredSize: 600 << 20)])
        let directory = try ZipDirectory(data: zip, path: "lie.pth")
        let entry = try #require(directory.entries["a/data/0"])
        HostileWeights.expectRefusal("more than its 100 compressed bytes can hold") { _ = try directory.contents(of: entry) }
    }

    @Test func deflatedArchiveLoadsAndTruncatedDeflateIsAnError() throws {
        let values: [Float] = [1, 2, 3, 4]
        let raw = WeightsTestSupport.le(values)
        let pickle = HostileWeights.stateDict("x", numel: 4, size: [4], stride: [1]).data
        let good = HostileWeights.zip([
            .init(name: "a/data.pkl", method: 8, stored: try HostileWeights.deflate(pickle), declaredSize: pickle.count),
            .init(name: "a/data/0", method: 8, stored: try HostileWeights.deflate(raw), declaredSize: raw.count),
        ])
        #expect(try TorchZipArchive(data: good, path: "ok.pth").floats("x") == values)
        let cut = try HostileWeights.deflate(Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        let bad = HostileWeights.zip([.init(name: "a/data.pkl", method: 8, stored: cut.prefix(cut.count / 2), declaredSize: 4096)])
        HostileWeights.expectRefusal("compressed data ends early") { _ = try TorchZipArchive(data: bad, path: "cut.pth") }
    }

    @Test func zip64ArchiveLoads() throws {
        let values: [Float] = [5, 6]
        let zip = HostileWeights.zip([
            .init("a/data.pkl", HostileWeights.stateDict("x", numel: 2, size: [2], stride: [1]).data),
            .init("a/data/0", WeightsTestSupport.le(values)),
        ], zip64: true)
        #expect(try TorchZipArchive(data: zip, path: "z64.pth").floats("x") == values)
        // A zip64 end record pointing past the file is an error, not a trap.
        var bad = zip
        let locator = bad.count - 22 - 20
        bad.replaceSubrange((locator + 8)..<(locator + 16), with: [UInt8](repeating: 0xFF, count: 8))
        HostileWeights.expectRefusal("too large") { _ = try TorchZipArchive(data: bad, path: "z64.pth") }
    }

    /// Offsets and sizes pointing anywhere (past the end, near 2³²) are errors, never traps.
    @Test func zipFieldsOutOfRange() throws {
        var zip = HostileWeights.zip([.init("a/data.pkl", Self.tinyPickle)])
        let eocd = zip.count - 22
        zip.replaceSubrange((eocd + 16)..<(eocd + 20), with: [0xF0, 0xFF, 0xFF, 0xFF]) // directory offset
        HostileWeights.expectRefusal("central directory") { _ = try TorchZipArchive(data: zip, path: "dir.pth") }

        var local = HostileWeights.zip([.init("a/data.pkl", Self.tinyPickle)])
        let directory = local.count - 22 - 46 - "a/data.pkl".utf8.count
        local.replaceSubrange((directory + 20)..<(directory + 28), with: [UInt8](repeating: 0xFE, count: 8)) // sizes
        HostileWeights.expectRefusal("outside the file") { _ = try TorchZipArchive(data: local, path: "size.pth") }

        let duplicate = HostileWeights.zip([.init("a/data.pkl", Self.tinyPickle), .init("a/data.pkl", Self.tinyPickle)])
        HostileWeights.expectRefusal("appears twice") { _ = try TorchZipArchive(data: duplicate, path: "dup.pth") }
    }

    // MARK: - safetensors

    static let f4 = WeightsTestSupport.le([1, 2, 3, 4])

    /// A safetensors file with a hand-written header.
    static func safetensors(header: String, body: Data) -> Data {
        var n = UInt64(header.utf8.count).littleEndian
        return Data(bytes: &n, count: 8) + Data(header.utf8) + body
    }

    @Test func safetensorsOverlapGapExcessAndDuplicatesAreRefused() {
        let overlap = Self.safetensors(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, body: Self.f4)
        HostileWeights.expectRefusal("overlaps") { _ = try SafetensorsArchive(data: overlap, path: "o.safetensors") }
        let gap = Self.safetensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, body: Self.f4)
        HostileWeights.expectRefusal("gap of 8 bytes") { _ = try SafetensorsArchive(data: gap, path: "g.safetensors") }
        let excess = Self.safetensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, body: Self.f4)
        HostileWeights.expectRefusal("8 bytes that no tensor uses") { _ = try SafetensorsArchive(data: excess, path: "e.safetensors") }
        let duplicate = Self.safetensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, body: Self.f4)
        HostileWeights.expectRefusal("more than once") { _ = try SafetensorsArchive(data: duplicate, path: "d.safetensors") }
        let outside = Self.safetensors(header: #"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#, body: Self.f4)
        HostileWeights.expectRefusal("only 16 bytes follow the header") { _ = try SafetensorsArchive(data: outside, path: "x.safetensors") }
        let exact = Self.safetensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, body: Self.f4)
        #expect((try? SafetensorsArchive(data: exact, path: "ok.safetensors").floats("b")) == [3, 4])
    }

    @Test func safetensorsHeaderLengthIsBounded() {
        var huge = Data(repeating: 0xFF, count: 8)
        huge += Data("{}".utf8)
        HostileWeights.expectRefusal("more than the \(SafetensorsArchive.maxHeaderBytes) a VGG19 file can need") {
            _ = try SafetensorsArchive(data: huge, path: "h.safetensors")
        }
        // Too many entries are counted on the text, before a slow decode (100 MB took a minute).
        let many = "{" + (0...SafetensorsArchive.maxEntries).map { "\"t\($0)\":0" }.joined(separator: ",") + "}"
        HostileWeights.expectRefusal("has \(SafetensorsArchive.maxEntries + 1) entries") {
            _ = try SafetensorsArchive(data: Self.safetensors(header: many, body: Data()), path: "m.safetensors")
        }
        HostileWeights.expectRefusal("cut short") { _ = try SafetensorsArchive(data: Data([1, 2]), path: "s.safetensors") }
    }

    // MARK: - values

    static let w1 = Array(repeating: Float(0.01), count: 64 * 27)
    static let b1 = Array(repeating: Float(0.1), count: 64)

    static func firstLayer(weights: [Float] = w1, bias: [Float] = b1) throws -> String {
        try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("block1_conv1.weight", "F32", [64, 3, 3, 3], WeightsTestSupport.le(weights)),
            ("block1_conv1.bias", "F32", [64], WeightsTestSupport.le(bias)),
        ]), name: "w.safetensors")
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteWeightsAreRefused(_ bad: Float) throws {
        var w = Self.w1
        w[77] = bad
        let path = try Self.firstLayer(weights: w)
        HostileWeights.expectRefusal("weights file \(path): tensor block1_conv1 kernel has non-finite values") {
            _ = try VGG19Weights.load(contentsOf: path)
        }
        var b = Self.b1
        b[3] = bad
        let biasPath = try Self.firstLayer(bias: b)
        HostileWeights.expectRefusal("tensor block1_conv1 bias has non-finite values") { _ = try VGG19Weights.load(contentsOf: biasPath) }
    }

    /// 1e30 is finite but no VGG19 weight; it would overflow to Inf/NaN in the network.
    @Test func absurdMagnitudesAreRefused() throws {
        var w = Self.w1
        w[5] = -1e30
        let path = try Self.firstLayer(weights: w)
        HostileWeights.expectRefusal("tensor block1_conv1 kernel has a value of magnitude 1e+30") {
            _ = try VGG19Weights.load(contentsOf: path)
        }
        // Within the bound, the layer is accepted (and the next one is then missing).
        w[5] = 9000
        let okPath = try Self.firstLayer(weights: w)
        HostileWeights.expectRefusal("no weights for VGG19 layer block1_conv2") { _ = try VGG19Weights.load(contentsOf: okPath) }
    }

    // MARK: - the file itself

    /// The file is copied into memory: truncating it afterwards (as another process might,
    /// mid-load) cannot raise SIGBUS, which it did when the file was memory-mapped.
    @Test func fileIsReadIntoOwnedMemory() throws {
        let path = try WeightsTestSupport.write(Data(repeating: 7, count: 1 << 20))
        let data = try WeightsFileReader.read(path)
        #expect(truncate(path, 0) == 0)
        #expect(data.count == 1 << 20)
        #expect(data.reduce(0) { $0 &+ Int($1) } == 7 << 20)
    }

    @Test func directoryIsUnreadable() throws {
        let dir = try WeightsTestSupport.tempDir()
        HostileWeights.expectRefusal("it is a folder, not a weights file") { _ = try WeightsFileReader.read(dir.path) }
    }
}

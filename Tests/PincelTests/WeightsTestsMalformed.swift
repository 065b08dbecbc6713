import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Hand-made broken inputs: each must fail with the specific ``WeightsError``.
@Suite(.scratchFolder) struct WeightsMalformedTests {
    /// `pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)`: the legacy torch.save magic pickle.
    static let magicPickle: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + TorchLegacyArchive.magic + [0x2E]

    @Test func emptyFile() throws {
        let path = try WeightsTestSupport.write(Data())
        WeightsTestSupport.expectError(.unknownFormat(path: path, reason: "the file is empty")) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
    }

    @Test func textFile() throws {
        let path = try WeightsTestSupport.write(Data("hello, these are not weights\n".utf8), name: "notes.pth")
        #expect {
            _ = try VGG19Weights.load(contentsOf: path)
        } throws: { error in
            guard case .unknownFormat(let p, _) = error as? WeightsError else { return false }
            return p == path
        }
    }

    /// A FIFO with no writer or a device such as /dev/zero would block or read without end:
    /// both are refused before any read.
    @Test func specialFilesAreRefusedWithoutReading() throws {
        let folder = try WeightsTestSupport.tempDir()
        let fifo = folder.appendingPathComponent("w.pth").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let link = folder.appendingPathComponent("zero.pth").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        for (path, kind) in [(fifo, FileKind.namedPipe), (link, .characterDevice), (folder.path, .folder)] {
            WeightsTestSupport.expectError(.unreadable(path: path, reason: "it is \(kind), not a weights file")) {
                _ = try VGG19Weights.load(contentsOf: path)
            }
        }
    }

    @Test func missingFile() {
        WeightsTestSupport.expectError(.missingFile(path: "/nonexistent/w.pth", origin: "the given path")) {
            _ = try VGG19Weights.load(contentsOf: "/nonexistent/w.pth")
        }
    }

    @Test func unknownOpcodeIsNamedWithItsOffset() throws {
        // Second pickle starts at 15: PROTO 2 at 15, then INST ('i') at 17.
        let path = try WeightsTestSupport.write(Data(Self.magicPickle + [0x80, 0x02, 0x69, 0x0A, 0x0A, 0x2E]))
        WeightsTestSupport.expectError(.unsupportedOpcode(path: path, opcode: 0x69, name: "INST", offset: 17)) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
    }

    /// `os.system("touch …")` must be refused at the GLOBAL, and never run.
    @Test func forbiddenGlobalIsRefusedWithoutRunning() throws {
        let dir = try WeightsTestSupport.tempDir()
        let sentinel = dir.appendingPathComponent("pwned").path
        let command = Array("touch \(sentinel)".utf8)
        var bytes = Self.magicPickle + [0x80, 0x02, 0x63] + Array("os\nsystem\n".utf8)
        bytes += [0x58] + withUnsafeBytes(of: UInt32(command.count).littleEndian, Array.init) + command
        bytes += [0x85, 0x52, 0x2E] // TUPLE1, REDUCE, STOP
        let path = dir.appendingPathComponent("evil.pth").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        WeightsTestSupport.expectError(.forbiddenGlobal(path: path, module: "os", name: "system", offset: 17)) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
        #expect(!FileManager.default.fileExists(atPath: sentinel))
    }

    /// `pickle.dumps({'a': [1, -2, 300, 70000, -70000, 3.5, True, False, None, 'xé', b'y',
    /// (1, 2), (1,), (1, 2, 3), ()], 'big': 2**70, 'neg': -5}, protocol=4)`.
    static let generic4 = "80049566000000000000007d94288c0161945d94284b014afeffffff4d2c014a701101004a90eefeff47400c00000000000088894e8c0378c3a994430179944b014b0286944b0185944b014b024b03879429658c03626967948a090000000000000000408c036e6567944afbffffff752e"
    /// The same with protocol=2, where `b'y'` becomes `_codecs.encode('y', 'latin1')` (GLOBAL at 60).
    static let generic2 = "80027d71002858010000006171015d7102284b014afeffffff4d2c014a701101004a90eefeff47400c00000000000088894e580300000078c3a97103635f636f646563730a656e636f64650a7104580100000079710558060000006c6174696e3171068671075271084b014b028671094b0185710a4b014b024b0387710b29655803000000626967710c8a0900000000000000004058030000006e6567710d4afbffffff752e"

    static func hex(_ s: String) -> Data {
        var out = Data()
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16) ?? 0) }
        return out
    }

    @Test func pickleReaderDecodesCommonOpcodes() throws {
        let (value, end) = try PickleReader.read(Self.hex(Self.generic4), path: "generic4")
        #expect(end == Self.hex(Self.generic4).count)
        guard case .dict(let dict) = value else { Issue.record("not a dict: \(value.kindName)"); return }
        #expect(dict.entries.map { $0.key.stringValue } == ["a", "big", "neg"])
        let items = try #require(dict.entries[0].value.elements)
        #expect(items.prefix(5).map(\.intValue) == [1, -2, 300, 70000, -70000])
        guard case .float(3.5) = items[5], case .bool(true) = items[6], case .bool(false) = items[7], case .none = items[8],
              case .string("xé") = items[9], case .bytes([0x79]) = items[10] else {
            Issue.record("scalars decoded wrongly"); return
        }
        #expect(items[11...14].map { $0.elements?.compactMap(\.intValue) } == [[1, 2], [1], [1, 2, 3], []])
        guard case .bigInt(let big) = dict.entries[1].value else { Issue.record("2**70 is not a big int"); return }
        #expect(big == [0, 0, 0, 0, 0, 0, 0, 0, 0x40])
        #expect(dict.entries[2].value.intValue == -5)
    }

    @Test func pickleReaderRefusesCodecsGlobal() {
        WeightsTestSupport.expectError(.forbiddenGlobal(path: "generic2", module: "_codecs", name: "encode", offset: 60)) {
            _ = try PickleReader.read(Self.hex(Self.generic2), path: "generic2")
        }
    }

    @Test func truncatedPickleIsReported() {
        let data = Self.hex(Self.generic4).prefix(40)
        #expect {
            _ = try PickleReader.read(data, path: "cut")
        } throws: { error in
            guard case .truncated("cut", _) = error as? WeightsError else { return false }
            return true
        }
    }

    // MARK: - Layer validation, via small safetensors files

    static let conv1W = Array(repeating: Float(0.25), count: 64 * 27)
    static let conv1B = Array(repeating: Float(-1), count: 64)

    @Test func missingLayer() throws {
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("block1_conv1.weight", "F32", [64, 3, 3, 3], WeightsTestSupport.le(Self.conv1W)),
            ("block1_conv1.bias", "F32", [64], WeightsTestSupport.le(Self.conv1B)),
        ]))
        WeightsTestSupport.expectError(.missingLayer(path: path, layer: "block1_conv2", expected: [
            "block1_conv2_W_q", "block1_conv2.weight", "block1_conv2_W", "features.2.weight",
        ])) { _ = try VGG19Weights.load(contentsOf: path) }
    }

    @Test func missingBias() throws {
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("features.0.weight", "F32", [64, 3, 3, 3], WeightsTestSupport.le(Self.conv1W)),
        ]))
        WeightsTestSupport.expectError(.missingLayer(path: path, layer: "block1_conv1", expected: [
            "block1_conv1_b", "block1_conv1.bias", "features.0.bias",
        ])) { _ = try VGG19Weights.load(contentsOf: path) }
    }

    @Test func wrongShape() throws {
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("features.0.weight", "F32", [64, 3, 5, 5], WeightsTestSupport.le(Array(repeating: 0, count: 64 * 75))),
            ("features.0.bias", "F32", [64], WeightsTestSupport.le(Self.conv1B)),
        ]))
        WeightsTestSupport.expectError(.wrongShape(path: path, tensor: "features.0.weight", expected: [64, 3, 3, 3], actual: [64, 3, 5, 5])) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
    }

    @Test func wrongDType() throws {
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("block1_conv1.weight", "I32", [64, 3, 3, 3], Data(count: 64 * 27 * 4)),
            ("block1_conv1.bias", "F32", [64], WeightsTestSupport.le(Self.conv1B)),
        ]))
        WeightsTestSupport.expectError(.wrongDType(path: path, tensor: "block1_conv1.weight", expected: "a floating-point type", actual: "int32")) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
    }

    @Test func quantisedIndexOutOfTableRange() throws {
        var q = [UInt8](repeating: 3, count: 64 * 27)
        q[100] = 200
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("block1_conv1_W_q", "U8", [64, 3, 3, 3], Data(q)),
            ("block1_conv1_W_table", "F32", [16], WeightsTestSupport.le((0..<16).map(Float.init))),
            ("block1_conv1_b", "F32", [64], WeightsTestSupport.le(Self.conv1B)),
        ]))
        WeightsTestSupport.expectError(.indexOutOfRange(path: path, tensor: "block1_conv1_W_q", index: 200, tableSize: 16)) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
    }

    @Test func quantisedIndicesMustBeUInt8() throws {
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("block1_conv1_W_q", "F32", [64, 3, 3, 3], WeightsTestSupport.le(Self.conv1W)),
            ("block1_conv1_W_table", "F32", [16], WeightsTestSupport.le((0..<16).map(Float.init))),
            ("block1_conv1_b", "F32", [64], WeightsTestSupport.le(Self.conv1B)),
        ]))
        WeightsTestSupport.expectError(.wrongDType(path: path, tensor: "block1_conv1_W_q", expected: "uint8", actual: "float32")) {
            _ = try VGG19Weights.load(contentsOf: path)
        }
    }

    @Test func truncatedSafetensors() throws {
        let full = WeightsTestSupport.safetensors([
            ("block1_conv1.weight", "F32", [64, 3, 3, 3], WeightsTestSupport.le(Self.conv1W)),
        ])
        let path = try WeightsTestSupport.write(full.prefix(full.count - 10))
        #expect {
            _ = try VGG19Weights.load(contentsOf: path)
        } throws: { error in
            guard case .truncated(let p, let detail) = error as? WeightsError else { return false }
            return p == path && detail.contains("block1_conv1.weight")
        }
    }

    /// A shape whose element count overflows must be an error, not a crash.
    @Test func hostileShapeIsRefused() throws {
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors([
            ("features.0.weight", "F32", [1 << 32, 1 << 32, 1 << 32, 3], Data(count: 4)),
        ]))
        #expect {
            _ = try VGG19Weights.load(contentsOf: path)
        } throws: { error in
            guard case .malformed(let p, let detail) = error as? WeightsError else { return false }
            return p == path && detail.contains("features.0.weight")
        }
    }

    @Test func errorMessagesAreOneLineWithFileAndAdvice() {
        let errors: [WeightsError] = [
            .notFound(searched: ["/x/y.bin"]),
            .wrongShape(path: "/w.pth", tensor: "features.0.weight", expected: [64, 3, 3, 3], actual: [64, 3, 5, 5]),
            .forbiddenGlobal(path: "/w.pth", module: "os", name: "system", offset: 3),
            .unsupportedOpcode(path: "/w.pth", opcode: 0x69, name: "INST", offset: 17),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
        }
        // The library speaks of its own terms; the command line appends `make weights` / --weights.
        #expect(errors[0].description.contains("download the weights file"))
        #expect(errors.allSatisfy { !$0.description.contains("make weights") && !$0.description.contains("--weights") })
        #expect(errors[1].description.contains("/w.pth") && errors[1].description.contains("[64, 3, 5, 5]"))
        #expect(errors[2].description.contains("os.system") && errors[2].description.contains("nothing was executed"))
        #expect(errors[3].description.contains("INST (0x69) at byte 17"))
    }
}

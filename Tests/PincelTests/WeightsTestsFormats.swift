import Foundation
import PincelTestSupport
import Testing
import ZIPFoundation
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The three container formats. Expected values are printed by
/// `python3 scripts/weights_fixtures.py`, which also wrote the fixtures (numpy, no torch).
@Suite(.scratchFolder) struct WeightsFormatTests {
    static let expected: [String: ([Int], [Float])] = [
        "a": ([2, 3], [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]),
        "t": ([3, 2], [-1.0, 0.5, -0.5, 1.0, 0.0, 1.5]),
        "o": ([2], [0.0, 0.5]),
        "h": ([4], [1.5, -2.25, 65504.0, 5.960464477539063e-08]),
        "d": ([3], [0.3333333432674408, -2.5, 10000000000.0]),
        "bf": ([2], [1.0, -3.140625]),
        "nested.w": ([1], [42.0]),
    ]
    static let q: [UInt8] = [0, 7, 255, 128]

    @Test(arguments: ["tiny_legacy.pt", "tiny_zip.pth"])
    func torchFixturesDecode(_ name: String) throws {
        let archive = try openWeightArchive(try WeightsTestSupport.fixture(name))
        #expect(Set(archive.tensors.keys) == Set(Self.expected.keys).union(["q"]))
        for (key, (shape, values)) in Self.expected {
            #expect(archive.tensors[key]?.shape == shape, "\(name) \(key)")
            #expect(try archive.floats(key) == values, "\(name) \(key)")
        }
        #expect(try archive.bytes("q") == Self.q)
        #expect(throws: WeightsError.self) { try archive.floats("q") } // uint8 is not a float tensor
    }

    @Test func formatIsDetectedByContentNotExtension() throws {
        let dir = try WeightsTestSupport.tempDir()
        let zipCopy = dir.appendingPathComponent("looks_legacy.safetensors")
        try FileManager.default.copyItem(atPath: try WeightsTestSupport.fixture("tiny_zip.pth"), toPath: zipCopy.path)
        #expect(try openWeightArchive(zipCopy.path) is TorchZipArchive)
        let legacyCopy = dir.appendingPathComponent("weights.pth")
        try FileManager.default.copyItem(atPath: try WeightsTestSupport.fixture("tiny_legacy.pt"), toPath: legacyCopy.path)
        #expect(try openWeightArchive(legacyCopy.path) is TorchLegacyArchive)
    }

    @Test func safetensorsFixtureDecodes() throws {
        let archive = try openWeightArchive(try WeightsTestSupport.fixture("tiny.safetensors"))
        let pairs = ["f32": "a", "f16": "h", "bf16": "bf", "f64": "d"]
        for (name, key) in pairs {
            let (shape, values) = try #require(Self.expected[key])
            #expect(archive.tensors[name]?.shape == shape, "\(name)")
            #expect(try archive.floats(name) == values, "\(name)")
        }
        #expect(try archive.bytes("u8") == Self.q)
    }

    /// Half → float against the standard library's `Float16`, over every bit pattern.
    @Test func halfConversionIsExact() {
        for bits in 0...UInt16.max {
            let ours = halfToFloat(bits)
            let reference = Float(Float16(bitPattern: bits))
            #expect(ours.bitPattern == reference.bitPattern || (ours.isNaN && reference.isNaN))
            if !(ours.bitPattern == reference.bitPattern || (ours.isNaN && reference.isNaN)) { return }
        }
    }

    /// A torchvision-named (`features.N.weight`) zip .pth with the real weights, built here from
    /// the committed `vgg19_features_data.pkl` (storages "0".."31").
    @Test(.needsWeights) func fullVGG19ZipPthRoundTrips() throws {
        let real = try WeightsTestSupport.realWeights().weights
        let pickle = try Data(contentsOf: URL(fileURLWithPath: try WeightsTestSupport.fixture("vgg19_features_data.pkl")))
        let url = try WeightsTestSupport.tempDir().appendingPathComponent("vgg19.pth")
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), bufferSize: 1 << 24) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        try add("vgg19/data.pkl", pickle)
        try add("vgg19/byteorder", Data("little".utf8))
        for (i, conv) in real.convs.enumerated() {
            try add("vgg19/data/\(2 * i)", WeightsTestSupport.le(conv.weights.data))
            try add("vgg19/data/\(2 * i + 1)", WeightsTestSupport.le(conv.bias))
        }
        try add("vgg19/version", Data("3\n".utf8))
        let loaded = try VGG19Weights.load(contentsOf: url.path)
        #expect(loaded.convs == real.convs)
        #expect(loaded.source == url.path)
    }

    /// Mixed plain namings (`.weight/.bias`, `_W/_b`, a `module.` prefix) with F16/BF16/F32 data.
    @Test(.needsWeights) func fullVGG19SafetensorsRoundTrips() throws {
        let real = try WeightsTestSupport.realWeights().weights
        var tensors: [(String, String, [Int], Data)] = []
        var expected: [ConvWeights] = []
        for (i, (conv, arch)) in zip(real.convs, VGG19Architecture.convs).enumerated() {
            let k = arch.kerasName
            let (wName, bName) = i % 2 == 0 ? ("\(k).weight", "\(k).bias") : ("\(k)_W", "\(k)_b")
            let prefix = i == 3 ? "module." : ""
            switch i % 3 {
            case 0: // float16 (rounded with the standard library's Float16)
                let halves = conv.weights.data.map { Float16($0) }
                tensors.append((prefix + wName, "F16", conv.weights.shape, halves.withUnsafeBufferPointer { Data(buffer: $0) }))
                expected.append(ConvWeights(weights: Tensor(shape: conv.weights.shape, data: halves.map { Float($0) }), bias: conv.bias))
            case 1: // bfloat16 by truncation (exact when the low 16 bits are dropped first)
                let truncated = conv.weights.data.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) }
                let raw = truncated.map { UInt16($0.bitPattern >> 16) }
                tensors.append((prefix + wName, "BF16", conv.weights.shape, raw.withUnsafeBufferPointer { Data(buffer: $0) }))
                expected.append(ConvWeights(weights: Tensor(shape: conv.weights.shape, data: truncated), bias: conv.bias))
            default:
                tensors.append((prefix + wName, "F32", conv.weights.shape, WeightsTestSupport.le(conv.weights.data)))
                expected.append(conv)
            }
            tensors.append((prefix + bName, "F32", [conv.bias.count], WeightsTestSupport.le(conv.bias)))
        }
        let path = try WeightsTestSupport.write(WeightsTestSupport.safetensors(tensors), name: "vgg19.safetensors")
        let loaded = try VGG19Weights.load(contentsOf: path)
        #expect(loaded.convs == expected)
    }
}

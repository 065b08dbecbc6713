import Foundation
import Testing
@testable import PincelWeights

/// The ONNX reader against hostile and damaged files: every one is refused with a one-line
/// ``ONNXError`` (no trap, no huge allocation). Hand-written bytes; no models needed.
@Suite struct ONNXReaderHostileTests {
    static func refusal(_ bytes: [UInt8]) -> ONNXError? {
        do {
            _ = try ONNXModelReader.decode(bytes)
            return nil
        } catch let error as ONNXError {
            return error
        } catch {
            Issue.record("not an ONNXError: \(error)")
            return nil
        }
    }

    static func expectMalformed(_ bytes: [UInt8], _ words: [String]) {
        guard let error = refusal(bytes) else { Issue.record("accepted"); return }
        guard case .malformed = error else { Issue.record("not malformed: \(error)"); return }
        #expect(!error.description.contains("\n"))
        for word in words { #expect(error.description.contains(word), "\(word) not in \(error.description)") }
    }

    @Test func tinyModelDecodes() throws {
        let model = try ONNXModelReader.decode(Proto.tinyModel)
        #expect(model.opsetVersion == 15)
        #expect(model.graph.nodes.map(\.opType) == ["Add", "Relu"])
        #expect(model.graph.nodes[0].inputs == ["x", "w"] && model.graph.nodes[1].outputs == ["y"])
        #expect(model.graph.initializers["w"]?.values == [1.5, -2] && model.graph.initializers["w"]?.shape == [2])
        #expect(model.graph.inputs == [ONNXValueInfo(name: "x", shape: [1, 2])])
    }

    @Test func emptyFile() {
        guard case .truncated = Self.refusal([]) else { Issue.record("empty accepted"); return }
    }

    /// Every prefix of a valid model either decodes (cut between top-level fields) or is
    /// refused; a prefix that cuts the graph short is refused as truncated.
    @Test func everyTruncation() {
        let full = Proto.tinyModel
        for length in 1 ..< full.count {
            _ = try? ONNXModelReader.decode(Array(full.prefix(length)))
        }
        guard case .truncated(let detail) = Self.refusal(Array(full.dropLast())) else {
            Issue.record("one byte short accepted"); return
        }
        #expect(detail.contains("graph") || detail.contains("model"), "\(detail)")
    }

    @Test func wrongWireTypes() {
        // Field 7 (graph) as a group (wire type 3).
        Self.expectMalformed(Proto.int(1, 8) + Proto.key(7, 3), ["wire type 3"])
        // The graph as a number: skipped, so the model has no graph.
        Self.expectMalformed(Proto.int(1, 8) + Proto.bytes(8, Proto.int(2, 15)) + Proto.int(7, 5), ["no graph"])
        // Field number 0, and an 11-byte varint.
        Self.expectMalformed([0x00, 0x01], ["field number 0"])
        Self.expectMalformed(Proto.key(1, 0) + [UInt8](repeating: 0xFF, count: 10) + [0x01], ["longer than 10 bytes"])
    }

    @Test func dimsOverflowingInt() {
        let huge = Proto.tensor(name: "w", dims: [Int.max / 2, 4], raw: [])
        Self.expectMalformed(Proto.model(initializer: huge), ["more than \(ONNXModelReader.Limits.elements) elements"])
    }

    @Test func dimsProductAboveTheLimit() {
        let big = Proto.tensor(name: "w", dims: [1 << 14, 1 << 13], raw: [])
        Self.expectMalformed(Proto.model(initializer: big), ["16384, 8192", "more than"])
    }

    @Test func negativeDims() {
        let negative = Proto.tensor(name: "w", dims: [-1, 4], raw: [])
        Self.expectMalformed(Proto.model(initializer: negative), ["negative dimension -1"])
    }

    @Test func tooManyDims() {
        let deep = Proto.tensor(name: "w", dims: Array(repeating: 1, count: 9), raw: Proto.floatsLE([1]))
        Self.expectMalformed(Proto.model(initializer: deep), ["more than 8 dimensions"])
    }

    @Test func rawDataSizeMismatch() {
        let short = Proto.tensor(name: "w", dims: [3], raw: Proto.floatsLE([1, 2]))
        Self.expectMalformed(Proto.model(initializer: short), ["holds 8 bytes", "needs 12"])
        let int8 = Proto.tensor(name: "q", dims: [2, 2], type: 3, raw: [1, 2, 3])
        Self.expectMalformed(Proto.model(initializer: int8), ["holds 3 bytes", "needs 4"])
    }

    @Test func typedValuesCountMismatch() {
        let floats = Proto.int(1, 3) + Proto.int(2, 1) + Proto.string(8, "w") + Proto.bytes(4, Proto.floatsLE([1, 2]))
        Self.expectMalformed(Proto.model(initializer: floats), ["stores 2 values"])
    }

    @Test func unsupportedTensors() {
        let external = Proto.tensor(name: "w", dims: [1], raw: []) + Proto.int(14, 1)
        #expect(Self.refusal(Proto.model(initializer: external)) == .unsupported("tensor w keeps its data in an external file"))
        let strings = Proto.tensor(name: "w", dims: [1], type: 8, raw: [1])
        guard case .unsupported(let detail) = Self.refusal(Proto.model(initializer: strings)) else {
            Issue.record("string tensor accepted"); return
        }
        #expect(detail.contains("element type 8"))
    }

    @Test func lengthPastTheEnd() {
        guard case .truncated(let detail) = Self.refusal(Proto.int(1, 8) + Proto.key(7, 2) + Proto.varint(1 << 40)) else {
            Issue.record("accepted"); return
        }
        #expect(detail.contains("announces 1099511627776 bytes"))
    }

    /// A 300 MB file is refused by its size (a sparse file: nothing to read, and nothing is).
    @Test func hugeFileRefusedBySize() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pincel-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.onnx").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 300 << 20)
        try handle.close()
        #expect(throws: ONNXError.malformed("\(path): \(300 << 20) bytes, more than the \(ONNXModelReader.Limits.fileBytes) an instant model may have")) {
            try ONNXModelReader.read(path: path)
        }
    }

    @Test func notAFile() throws {
        let dir = FileManager.default.temporaryDirectory.path
        #expect(throws: ONNXError.unreadable(path: dir, reason: "not a regular file")) { try ONNXModelReader.read(path: dir) }
        #expect(throws: ONNXError.unreadable(path: "/nonexistent/x.onnx", reason: "no such file")) {
            try ONNXModelReader.read(path: "/nonexistent/x.onnx")
        }
    }
}

import Foundation
import Testing
@testable import PincelDNNL
@testable import PincelWeights

/// ``ONNXFusion`` against an independent reference: an instance normalisation spelled out in
/// ONNX element-wise operators (as the instant transformer writes it), run by ``ONNXProgram``,
/// compared with the formula computed here in double precision; and the cases a fusion must
/// leave alone (an intermediate value read twice) or fall back on at run time (operands that
/// are not per-channel).
@Suite struct ONNXFusionTests {
    static let channels = 5, height = 7, width = 9, epsilon: Float = 1e-3

    static func node(_ op: String, _ inputs: [String], _ output: String, attributes: [UInt8] = []) -> [UInt8] {
        Proto.bytes(1, inputs.flatMap { Proto.string(1, $0) } + Proto.string(2, output) + Proto.string(4, op) + attributes)
    }

    /// `img` `[1, H, W, C]` (NHWC, made channels-last by its Transpose), per-channel `gamma`
    /// and `beta` initializers; output `z` = Relu(instance norm). `extraOutput` also makes an
    /// intermediate a graph output; `fullScale` multiplies by the activation itself instead of
    /// the per-channel scale (no fast path).
    static func model(extraOutput: String? = nil, fullScale: Bool = false, gamma: [Float], beta: [Float]) -> [UInt8] {
        let perm = Proto.bytes(5, Proto.string(1, "perm") + Proto.int(20, 7) + [0, 3, 1, 2].flatMap { Proto.int(8, $0) })
        let c = channels
        var nodes = node("Transpose", ["img"], "x", attributes: perm)
            + node("GlobalAveragePool", ["x"], "mean")
            + node("Sub", ["x", "mean"], "d") + node("Mul", ["d", "d"], "sq")
            + node("GlobalAveragePool", ["sq"], "var") + node("Add", ["var", "eps"], "ve")
            + node("Sqrt", ["ve"], "sd") + node("Reciprocal", ["sd"], "inv")
            + node("Mul", ["inv", "gamma"], "scale") + node("Mul", ["mean", "scale"], "ms")
            + node("Sub", ["beta", "ms"], "shift")
        nodes += fullScale ? node("Mul", ["x", "x"], "scaled") : node("Mul", ["x", "scale"], "scaled")
        nodes += node("Add", ["scaled", "shift"], "y") + node("Relu", ["y"], "z")
        var graph = nodes + Proto.string(2, "norm")
            + Proto.bytes(5, Proto.tensor(name: "eps", dims: [1], raw: Proto.floatsLE([epsilon])))
            + Proto.bytes(5, Proto.tensor(name: "gamma", dims: [1, c, 1, 1], raw: Proto.floatsLE(gamma)))
            + Proto.bytes(5, Proto.tensor(name: "beta", dims: [1, c, 1, 1], raw: Proto.floatsLE(beta)))
            + Proto.bytes(11, Proto.valueInfo("img", dims: [1, height, width, c]))
            + Proto.bytes(12, Proto.valueInfo("z", dims: [1, c, height, width]))
        if let extraOutput { graph += Proto.bytes(12, Proto.valueInfo(extraOutput, dims: [1, c, height, width])) }
        return Proto.model(graph: graph)
    }

    static func input() -> [Float] {
        var state: UInt64 = 12345
        return (0 ..< height * width * channels).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 4 - 1.5
        }
    }

    /// The reference: per channel, `relu((x - mean) / sqrt(var + eps) * gamma + beta)` (or with
    /// `x * x` for the scale when `fullScale`), `[C, H, W]` row-major, in double.
    static func reference(_ img: [Float], gamma: [Float], beta: [Float], fullScale: Bool) -> [Double] {
        let c = channels, plane = height * width
        var out = [Double](repeating: 0, count: c * plane)
        for k in 0 ..< c {
            let values = (0 ..< plane).map { Double(img[$0 * c + k]) }
            let mean = values.reduce(0, +) / Double(plane)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(plane)
            let scale = Double(gamma[k]) / (variance + Double(epsilon)).squareRoot()
            for p in 0 ..< plane {
                let factor = fullScale ? values[p] : scale
                out[k * plane + p] = max(values[p] * factor + Double(beta[k]) - mean * scale, 0)
            }
        }
        return out
    }

    static func run(_ bytes: [UInt8]) throws -> (outputs: [String: ONNXValue], ops: [String]) {
        let engine = try DNNLEngine()
        let program = try ONNXProgram(model: ONNXModelReader.decode(bytes), engine: engine, stream: DNNLStream(engine: engine))
        let img = input()
        let out = try program.run(["img": ONNXValue(shape: [1, height, width, channels], data: img)])
        return (out, program.steps.map(\.node.opType))
    }

    static let gamma: [Float] = [1.5, -0.5, 2, 0.25, 1], beta: [Float] = [0.1, 0.3, -0.2, 0, 0.5]

    @Test func fusedNormalisationMatchesTheFormula() throws {
        let (out, ops) = try Self.run(Self.model(gamma: Self.gamma, beta: Self.beta))
        #expect(ops.contains("CentredMeanSquare") && ops.contains("ScaleShift"))
        #expect(!ops.contains("Relu") && ops.filter { $0 == "GlobalAveragePool" }.count == 1)
        let z = try #require(out["z"])
        let expected = Self.reference(Self.input(), gamma: Self.gamma, beta: Self.beta, fullScale: false)
        #expect(z.shape == [1, Self.channels, Self.height, Self.width])
        let worst = zip(z.data, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "max difference \(worst)")
    }

    @Test func aValueReadElsewhereIsNotFusedAway() throws {
        let (out, ops) = try Self.run(Self.model(extraOutput: "d", gamma: Self.gamma, beta: Self.beta))
        #expect(!ops.contains("CentredMeanSquare") && ops.contains("ScaleShift"))
        let d = try #require(out["d"]), z = try #require(out["z"])
        #expect(d.shape == [1, Self.channels, Self.height, Self.width])
        let expected = Self.reference(Self.input(), gamma: Self.gamma, beta: Self.beta, fullScale: false)
        let worst = zip(z.data, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "max difference \(worst)")
    }

    @Test func operandsThatAreNotPerChannelFallBack() throws {
        let (out, ops) = try Self.run(Self.model(fullScale: true, gamma: Self.gamma, beta: Self.beta))
        #expect(ops.contains("ScaleShift"))
        let z = try #require(out["z"])
        let expected = Self.reference(Self.input(), gamma: Self.gamma, beta: Self.beta, fullScale: true)
        let worst = zip(z.data, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "max difference \(worst)")
    }
}

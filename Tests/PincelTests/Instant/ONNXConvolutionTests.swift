import Foundation
import Testing
@testable import PincelDNNL
@testable import PincelWeights

/// ``ONNXConvolution`` against a naive convolution written here: the plain path and the
/// folded one (few output channels, a wide kernel: the transformer's last 9x9 convolution).
@Suite struct ONNXConvolutionTests {
    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0 ..< count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
    }

    /// `y = Conv(Transpose(img))` with `pads` on the height (the width unpadded: the folded
    /// path's condition) and stride `stride` on the height.
    static func model(inChannels c: Int, outChannels o: Int, kernel: (Int, Int), height: Int, width: Int,
                      padHeight: Int, stride: Int, weights: [Float], bias: [Float], clip: (Float, Float)? = nil) -> [UInt8] {
        func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [UInt8]) -> [UInt8] {
            Proto.bytes(1, inputs.flatMap { Proto.string(1, $0) } + Proto.string(2, output) + Proto.string(4, op) + attributes)
        }
        func ints(_ name: String, _ values: [Int]) -> [UInt8] {
            Proto.bytes(5, Proto.string(1, name) + Proto.int(20, 7) + values.flatMap { Proto.int(8, $0) })
        }
        var graph = node("Transpose", ["img"], "x", ints("perm", [0, 3, 1, 2]))
        if let clip {
            graph += node("Conv", ["x", "w", "b"], "c", ints("pads", [padHeight, 0, padHeight, 0]) + ints("strides", [stride, 1]))
                + node("Clip", ["c", "lo", "hi"], "y", [])
                + Proto.bytes(5, Proto.tensor(name: "lo", dims: [], raw: Proto.floatsLE([clip.0])))
                + Proto.bytes(5, Proto.tensor(name: "hi", dims: [], raw: Proto.floatsLE([clip.1])))
        } else {
            graph += node("Conv", ["x", "w", "b"], "y", ints("pads", [padHeight, 0, padHeight, 0]) + ints("strides", [stride, 1]))
        }
        graph += Proto.string(2, "conv")
            + Proto.bytes(5, Proto.tensor(name: "w", dims: [o, c, kernel.0, kernel.1], raw: Proto.floatsLE(weights)))
            + Proto.bytes(5, Proto.tensor(name: "b", dims: [o], raw: Proto.floatsLE(bias)))
            + Proto.bytes(11, Proto.valueInfo("img", dims: [1, height, width, c]))
            + Proto.bytes(12, Proto.valueInfo("y", dims: [1, o, 1, 1]))
        return Proto.model(graph: graph)
    }

    /// The convolution by its definition, in double: `[O, H', W']`.
    static func naive(_ img: [Float], c: Int, height: Int, width: Int, weights: [Float], bias: [Float], o: Int,
                      kernel: (Int, Int), padHeight: Int, stride: Int) -> [Double] {
        let outH = (height + 2 * padHeight - kernel.0) / stride + 1, outW = width - kernel.1 + 1
        var out = [Double](repeating: 0, count: o * outH * outW)
        for f in 0 ..< o {
            for y in 0 ..< outH {
                for x in 0 ..< outW {
                    var sum = Double(bias[f])
                    for ci in 0 ..< c {
                        for ky in 0 ..< kernel.0 {
                            let iy = y * stride + ky - padHeight
                            guard iy >= 0, iy < height else { continue }
                            for kx in 0 ..< kernel.1 {
                                let w = weights[((f * c + ci) * kernel.0 + ky) * kernel.1 + kx]
                                sum += Double(w) * Double(img[(iy * width + x + kx) * c + ci])
                            }
                        }
                    }
                    out[(f * outH + y) * outW + x] = sum
                }
            }
        }
        return out
    }

    @Test("matches the naive convolution, folded or not", arguments: [
        (3, 8, 9, 9, 1, 0), // folded: the transformer's last layer (8 → 3, 9x9)
        (2, 3, 3, 7, 2, 1), // folded, padded and strided vertically, a 3x7 kernel
        (8, 3, 3, 3, 1, 1), // not folded: 8 output channels
        (3, 4, 3, 3, 1, 0), // not folded: a narrow kernel
    ])
    func matchesNaive(outChannels: Int, inChannels: Int, kh: Int, kw: Int, stride: Int, pad: Int) throws {
        let height = 23, width = 29
        let weights = Self.random(outChannels * inChannels * kh * kw, seed: 1)
        let bias = Self.random(outChannels, seed: 2), img = Self.random(height * width * inChannels, seed: 3)
        let bytes = Self.model(inChannels: inChannels, outChannels: outChannels, kernel: (kh, kw), height: height,
                               width: width, padHeight: pad, stride: stride, weights: weights, bias: bias)
        let engine = try DNNLEngine()
        let program = try ONNXProgram(model: ONNXModelReader.decode(bytes), engine: engine, stream: DNNLStream(engine: engine))
        let out = try #require(program.run(["img": ONNXValue(shape: [1, height, width, inChannels], data: img)])["y"])
        let expected = Self.naive(img, c: inChannels, height: height, width: width, weights: weights, bias: bias,
                                  o: outChannels, kernel: (kh, kw), padHeight: pad, stride: stride)
        #expect(out.shape == [1, outChannels, (height + 2 * pad - kh) / stride + 1, width - kw + 1])
        #expect(out.data.count == expected.count)
        let worst = zip(out.data, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "max difference \(worst)")
    }

    /// A `Clip` after a convolution becomes its post-op (no step of its own) and clamps as the
    /// operator does; a folded convolution keeps its `Clip` as a step.
    @Test("a clamp after a convolution is fused, except after a folded one", arguments: [(8, false), (3, true)])
    func clampFused(outChannels: Int, folded: Bool) throws {
        let height = 12, width = 14, c = 4, kh = 3, kw = 9
        let weights = Self.random(outChannels * c * kh * kw, seed: 4)
        let bias = Self.random(outChannels, seed: 5), img = Self.random(height * width * c, seed: 6)
        let bytes = Self.model(inChannels: c, outChannels: outChannels, kernel: (kh, kw), height: height, width: width,
                               padHeight: 1, stride: 1, weights: weights, bias: bias, clip: (-0.5, 0.75))
        let engine = try DNNLEngine()
        let program = try ONNXProgram(model: ONNXModelReader.decode(bytes), engine: engine, stream: DNNLStream(engine: engine))
        #expect(program.steps.map(\.node.opType).contains("Clip") == folded)
        let out = try #require(program.run(["img": ONNXValue(shape: [1, height, width, c], data: img)])["y"])
        let expected = Self.naive(img, c: c, height: height, width: width, weights: weights, bias: bias,
                                  o: outChannels, kernel: (kh, kw), padHeight: 1, stride: 1).map { min(max($0, -0.5), 0.75) }
        #expect(out.data.count == expected.count)
        let worst = zip(out.data, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "max difference \(worst)")
    }
}

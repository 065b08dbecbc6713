import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Relative L2 error ||a - b|| / ||b||.
func relativeL2(_ a: [Float], _ b: [Double]) -> Double {
    var num = 0.0, den = 0.0
    for i in b.indices { let d = Double(a[i]) - b[i]; num += d * d; den += b[i] * b[i] }
    return (num / max(den, 1e-300)).squareRoot()
}

func relativeL2(_ a: [Float], _ b: [Float]) -> Double { relativeL2(a, b.map(Double.init)) }

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for i in a.indices { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i]) * Double(a[i]); bb += Double(b[i]) * Double(b[i]) }
    return ab / max((aa * bb).squareRoot(), 1e-300)
}

/// The oneDNN network against the naive Swift reference, on random weights and a small image.
@Suite("Engine vs naive reference")
struct EngineReferenceTests {
    static let weights = randomVGG19Weights(seed: 7)
    static let taps = ["relu1_1", "pool1", "relu2_2", "relu3_1"]

    @Test(arguments: [
        (ConvolutionAlgorithm.direct, PoolingMode.max, 1e-5, false),
        (ConvolutionAlgorithm.direct, PoolingMode.avg, 1e-5, false),
        (ConvolutionAlgorithm.winograd, PoolingMode.max, 2e-4, false),
        // Blocks 1 and 2 recomputed in the backward pass (the low-memory mode of large images).
        (ConvolutionAlgorithm.direct, PoolingMode.max, 1e-5, true),
        (ConvolutionAlgorithm.direct, PoolingMode.avg, 1e-5, true),
        (ConvolutionAlgorithm.winograd, PoolingMode.max, 2e-4, true),
    ])
    func forwardAndBackwardMatch(algorithm: ConvolutionAlgorithm, pooling: PoolingMode, tolerance: Double,
                                 recompute: Bool) throws {
        let (h, w) = (16, 20)
        var rng = TestRNG(seed: 11)
        let image = Tensor(shape: [3, h, w], data: (0..<(3 * h * w)).map { _ in rng.uniformFloat(0, 255) })
        let net = try VGG19Network(weights: Self.weights, taps: Self.taps,
                                   options: NetworkOptions(pooling: pooling, algorithm: algorithm,
                                                           recomputeEarlyBlocks: recompute))
        let out = try net.forward(image)

        let naive = NaiveVGG(weights: Self.weights, pooling: pooling)
        let ops = NaiveVGG.ops(count: 7)
        let trace = naive.forward(NaiveVGG.preprocess(image.data, h: h, w: w), h: h, w: w, ops: ops)
        var grads: [String: Tensor] = [:]
        var naiveGrads: [Int: [Double]] = [:]
        for name in Self.taps {
            let layer = try VGG19Layer(name: name)
            let k = layer.operationIndex
            let mine = try #require(out[name])
            let s = trace.shapes[k + 1]
            #expect(mine.shape == [s.c, s.h, s.w])
            let err = relativeL2(mine.data, trace.values[k + 1])
            #expect(err < tolerance, "forward \(name): relative error \(err)")
            let g = (0..<mine.count).map { _ in rng.uniformFloat(-1, 1) }
            grads[name] = Tensor(shape: mine.shape, data: g)
            naiveGrads[k] = g.map(Double.init)
        }
        let dx = try net.backward(grads)
        let ref = naive.backward(trace, ops: ops, gradients: naiveGrads)
        let err = relativeL2(dx.data, ref)
        #expect(err < tolerance * 10, "backward: relative error \(err)")
    }

    /// A forward pass, then a backward pass from random tap gradients drawn with `gradientSeed`.
    static func forwardBackward(_ net: VGG19Network, _ image: Tensor, taps: [String],
                                gradientSeed: UInt64) throws -> (out: [String: Tensor], dx: Tensor) {
        var grng = TestRNG(seed: gradientSeed)
        let out = try net.forward(image)
        var grads: [String: Tensor] = [:]
        for name in taps {
            let a = try #require(out[name])
            grads[name] = Tensor(shape: a.shape, data: (0..<a.count).map { _ in grng.uniformFloat(-1, 1) })
        }
        return (out, try net.backward(grads))
    }

    @Test func recomputingEarlyBlocksGivesTheSameResultInLessMemory() throws {
        // The six style-transfer taps plus relu1_2 and relu2_2, inside the recomputed blocks.
        let taps = ["relu1_1", "relu1_2", "relu2_1", "relu2_2", "relu3_1", "relu4_1", "relu4_2", "relu5_1"]
        let (h, w) = (64, 48)
        var rng = TestRNG(seed: 5)
        let image = Tensor(shape: [3, h, w], data: (0..<(3 * h * w)).map { _ in rng.uniformFloat(0, 255) })
        var results: [(out: [String: Tensor], dx: Tensor, bytes: Int)] = []
        for recompute in [false, true] {
            let net = try VGG19Network(weights: Self.weights, taps: taps,
                                       options: NetworkOptions(algorithm: .direct, recomputeEarlyBlocks: recompute))
            let (out, dx) = try Self.forwardBackward(net, image, taps: taps, gradientSeed: 6)
            results.append((out, dx, net.preparedBytes))
        }
        for name in taps { #expect(results[0].out[name] == results[1].out[name], "\(name) differs") }
        #expect(results[0].dx == results[1].dx)
        // Activations of blocks 1-5 about 320 floats per pixel without, about 150 with.
        print("network bytes at \(w)x\(h): \(results[0].bytes) kept, \(results[1].bytes) recomputed")
        #expect(results[1].bytes < results[0].bytes - 120 * 4 * h * w)
    }

    @Test func channelsLastTapsHoldTheSameValuesTransposed() throws {
        let taps = ["relu1_1", "relu2_1", "relu4_2"]
        let (h, w) = (20, 28)
        var rng = TestRNG(seed: 8)
        let image = Tensor(shape: [3, h, w], data: (0..<(3 * h * w)).map { _ in rng.uniformFloat(0, 255) })
        var results: [(out: [String: Tensor], dx: Tensor, raw: [Float])] = []
        for layout in [FeatureLayout.channelsFirst, .channelsLast] {
            let net = try VGG19Network(weights: Self.weights, taps: taps, options: NetworkOptions(algorithm: .direct, tapLayout: layout))
            let (out, dx) = try Self.forwardBackward(net, image, taps: taps, gradientSeed: 9)
            results.append((out, dx, Array(try net.activation(1))))
        }
        // The convenience interface speaks [C, h, w] either way; the raw tap is [h, w, C].
        for name in taps { #expect(results[0].out[name] == results[1].out[name], "\(name) differs") }
        #expect(relativeL2(results[1].dx.data, results[0].dx.data) < 1e-6)
        let relu21 = try #require(results[0].out["relu2_1"])
        let (c, m) = (relu21.shape[0], relu21.shape[1] * relu21.shape[2])
        for (ch, p) in [(0, 0), (5, 17), (c - 1, m - 1)] { #expect(results[1].raw[p * c + ch] == results[0].raw[ch * m + p]) }
    }

    @Test func unknownLayerListsValidNames() throws {
        #expect(throws: VGGError.unknownLayer("relu9_9")) {
            _ = try VGG19Network(weights: Self.weights, taps: ["relu9_9"])
        }
        #expect(VGGError.unknownLayer("x").description.contains("relu4_2"))
    }

    @Test func tooSmallImageIsRefused() throws {
        let net = try VGG19Network(weights: Self.weights, taps: ["relu5_1"])
        #expect(net.minimumSide == 16)
        #expect(throws: VGGError.self) { _ = try net.forward(Tensor(zeros: [3, 8, 8])) }
    }

    @Test func backwardBeforeForwardIsAnError() throws {
        let net = try VGG19Network(weights: Self.weights, taps: ["relu1_1"])
        #expect(throws: VGGError.self) { _ = try net.backward([:]) }
    }
}

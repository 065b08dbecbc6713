import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Plans are built once per image size and weights reordered once per layout.
@Suite("Plan cache")
struct PlanCacheTests {
    static let weights = EngineReferenceTests.weights
    static let taps = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1", "relu4_2"]

    static func image(_ h: Int, _ w: Int, seed: UInt64) -> Tensor {
        var rng = TestRNG(seed: seed)
        return Tensor(shape: [3, h, w], data: (0..<(3 * h * w)).map { _ in rng.uniformFloat(0, 255) })
    }

    /// The network calls of a three-scale transfer, each scale with a style image of its own
    /// size: style targets, content targets, then several evaluations at the content size.
    @Test func aPyramidBuildsEachSizeOnceAndSharesWeightReorders() throws {
        let net = try VGG19Network(weights: Self.weights, taps: Self.taps, options: NetworkOptions(tapLayout: .channelsLast))
        let scales = [((16, 24), (16, 16)), ((20, 32), (32, 32)), ((40, 64), (64, 64))]
        var reordersAfterFirstPlan = 0
        for (style, content) in scales {
            _ = try net.forward(Self.image(style.0, style.1, seed: 1))
            if reordersAfterFirstPlan == 0 { reordersAfterFirstPlan = net.weightReorders }
            let x = Self.image(content.0, content.1, seed: 2)
            _ = try net.forward(x)
            for _ in 0..<3 {
                let out = try net.forward(x)
                _ = try net.backward(out)
            }
        }
        print("plan builds \(net.planBuilds), weight reorders \(net.weightReorders) (first plan \(reordersAfterFirstPlan))")
        #expect(net.planBuilds == 6)
        // Unshared, each plan would reorder every forward and backward weight (2 per convolution,
        // 156 in all); shared, each (convolution, layout) once: at most two directions times two
        // algorithms (Winograd where the size allows, direct elsewhere). Here 14 in all.
        let convs = 13  // conv1_1 … conv5_1
        #expect(reordersAfterFirstPlan <= 2 * convs)
        #expect(net.weightReorders <= 4 * convs)
    }

    @Test func revisitedSizesReuseTheirPlansAndGiveTheSameResults() throws {
        let net = try VGG19Network(weights: Self.weights, taps: Self.taps)
        let (a, b) = (Self.image(16, 24, seed: 3), Self.image(32, 20, seed: 4))
        let first = try EngineReferenceTests.forwardBackward(net, a, taps: Self.taps, gradientSeed: 5)
        let reorders = net.weightReorders
        _ = try EngineReferenceTests.forwardBackward(net, b, taps: Self.taps, gradientSeed: 6)
        let again = try EngineReferenceTests.forwardBackward(net, a, taps: Self.taps, gradientSeed: 5)
        _ = try net.forward(b)
        #expect(net.planBuilds == 2)
        #expect(net.weightReorders <= 2 * reorders)
        for name in Self.taps { #expect(first.out[name] == again.out[name], "\(name) differs") }
        #expect(first.dx == again.dx)
        // A fresh network agrees with the one that switched sizes.
        let fresh = try EngineReferenceTests.forwardBackward(try VGG19Network(weights: Self.weights, taps: Self.taps), a,
                                                             taps: Self.taps, gradientSeed: 5)
        #expect(fresh.dx == again.dx)
    }

    @Test func leastRecentlyUsedPlansAreDroppedBeyondTheBounds() throws {
        let sizes = [(16, 16), (16, 24), (24, 16), (16, 16)]
        func builds(capacity: Int, retainedBytes: Int) throws -> Int {
            let net = try VGG19Network(weights: Self.weights, taps: ["relu3_1"])
            net.planCacheLimits = (capacity, retainedBytes)
            for (h, w) in sizes { _ = try net.forward(Tensor(zeros: [3, h, w])) }
            return net.planBuilds
        }
        #expect(try builds(capacity: 4, retainedBytes: PlanCache.defaultRetainedBytes) == 3)
        #expect(try builds(capacity: 2, retainedBytes: PlanCache.defaultRetainedBytes) == 4)
        // Plans larger than the byte bound are never kept beside the one in use.
        #expect(try builds(capacity: 4, retainedBytes: 0) == 4)
    }

    @Test func switchingSizeNeedsAForwardPassBeforeTheBackwardPass() throws {
        let net = try VGG19Network(weights: Self.weights, taps: ["relu2_1"])
        _ = try net.forward(Tensor(zeros: [3, 16, 16]))
        try net.prepare(height: 16, width: 24)
        try net.prepare(height: 16, width: 16)
        #expect(throws: VGGError.self) { _ = try net.backward([:]) }
    }
}

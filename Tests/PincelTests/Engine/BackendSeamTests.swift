import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelDNNL

/// The backend seam (``FeatureNetwork``): the Gatys objective through the protocol on two
/// implementations, oneDNN's ``VGG19Network`` and the float64 ``NaiveFeatureNetwork``, with
/// random weights (no file needed). Each backend's analytic gradient is checked against
/// central finite differences of the float64 reference objective of ``ObjectiveGradientTests``,
/// and the two backends against each other.
@Suite("Backend seam")
struct BackendSeamTests {
    enum Backend: String, CaseIterable, Sendable { case dnnl, naive }

    static let weights = randomVGG19Weights(seed: 7)

    static func options() -> TransferOptions {
        var options = TransferOptions()
        options.contentLayers = [WeightedLayer(name: ObjectiveGradientTests.contentLayer)]
        options.styleLayers = ObjectiveGradientTests.styleLayers.map { WeightedLayer(name: $0) }
        options.network = NetworkOptions(algorithm: .direct)
        return options
    }

    static func network(_ backend: Backend, options: TransferOptions, layout: FeatureLayout = .channelsFirst) throws
        -> any FeatureNetwork {
        let taps = ObjectiveSpec(options).taps
        switch backend {
        case .dnnl:
            var network = options.network
            network.tapLayout = layout
            return try VGG19Network(weights: weights, taps: taps, options: network)
        case .naive:
            return try NaiveFeatureNetwork(weights: weights, taps: taps)
        }
    }

    static func objective(_ backend: Backend, layout: FeatureLayout = .channelsFirst) throws -> (GatysObjective, x: [Float]) {
        let s = ObjectiveGradientTests.size
        let options = Self.options()
        let contentImage = ObjectiveGradientTests.image(seed: 1), styleImage = ObjectiveGradientTests.image(seed: 2)
        let objective = try GatysObjective(network: try network(backend, options: options, layout: layout),
                                           content: Tensor(shape: [3, s, s], data: contentImage),
                                           styles: [Tensor(shape: [3, s, s], data: styleImage)], spec: ObjectiveSpec(options))
        return (objective, ObjectiveGradientTests.image(seed: 3, near: contentImage))
    }

    @Test(arguments: Backend.allCases)
    func gradientMatchesFiniteDifferences(backend: Backend) throws {
        let s = ObjectiveGradientTests.size
        let (objective, x) = try Self.objective(backend)
        var g = [Float](repeating: 0, count: x.count)
        let value = try objective.evaluate(x, gradient: &g)

        let naive = NaiveVGG(weights: Self.weights, pooling: .max)
        let ops = NaiveVGG.ops(count: 13)
        func trace(_ img: [Float]) -> NaiveVGG.Trace {
            naive.forward(NaiveVGG.preprocess(img, h: s, w: s), h: s, w: s, ops: ops)
        }
        let contentTarget = ObjectiveGradientTests.activation(trace(ObjectiveGradientTests.image(seed: 1)),
                                                              ObjectiveGradientTests.contentLayer).values
        let styleTrace = trace(ObjectiveGradientTests.image(seed: 2))
        let styleTargets = ObjectiveGradientTests.styleLayers.map {
            ObjectiveGradientTests.gram(ObjectiveGradientTests.activation(styleTrace, $0))
        }
        func f(_ v: [Double]) -> Double {
            ObjectiveGradientTests.referenceObjective(v, naive: naive, contentTarget: contentTarget,
                                                      styleTargets: styleTargets, options: Self.options())
        }
        let x64 = x.map(Double.init)
        let ref = f(x64)
        #expect(abs(ref - Double(value)) / ref < 1e-4, "objective (\(backend)): \(value), reference \(ref)")
        var rng = SeededRandom(seed: 17)
        for _ in 0..<2 {
            let v = (0..<x.count).map { _ in rng.gaussian() }
            // Small: the random weights put ReLU and max-pool switches close to the image.
            let h = 1e-5
            let numeric = (f(zip(x64, v).map { $0 + h * $1 }) - f(zip(x64, v).map { $0 - h * $1 })) / (2 * h)
            let analytic = zip(g, v).reduce(0.0) { $0 + Double($1.0) * $1.1 }
            let rel = abs(numeric - analytic) / max(abs(numeric), abs(analytic))
            #expect(rel < 1e-3, "\(backend): numeric \(numeric), analytic \(analytic), relative error \(rel)")
        }
    }

    /// Both backends, each tap layout of oneDNN: the same terms and the same gradient.
    @Test(arguments: [FeatureLayout.channelsFirst, .channelsLast])
    func backendsAgree(dnnlLayout: FeatureLayout) throws {
        let (dnnl, x) = try Self.objective(.dnnl, layout: dnnlLayout)
        let (naive, _) = try Self.objective(.naive)
        var gd = [Float](repeating: 0, count: x.count), gn = gd
        let vd = try dnnl.evaluate(x, gradient: &gd), vn = try naive.evaluate(x, gradient: &gn)
        #expect(abs(vd - vn) / vn < 1e-4, "objective: oneDNN \(vd), naive \(vn)")
        for (a, b) in [(dnnl.terms.content, naive.terms.content), (dnnl.terms.style, naive.terms.style)] {
            #expect(abs(a - b) / max(b, 1e-12) < 1e-4, "term: oneDNN \(a), naive \(b)")
        }
        let difference = zip(gd, gn).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        let norm = gn.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(difference / norm < 1e-3, "gradient: relative difference \(difference / norm)")
    }

    /// The pipeline makes its network through the registry; an unregistered backend is refused.
    @Test func registryMakesTheChosenBackend() throws {
        var options = Self.options()
        #expect(ComputeBackends.available.contains(.dnnl))
        #expect(try ComputeBackends.makeNetwork(weights: Self.weights, options: options) is VGG19Network)
        options.network.backend = ComputeBackend(name: "naive-test")
        #expect(throws: TransferError.self) { try ComputeBackends.makeNetwork(weights: Self.weights, options: options) }
        ComputeBackends.register(ComputeBackend(name: "naive-test")) { weights, taps, _ in
            try NaiveFeatureNetwork(weights: weights, taps: taps)
        }
        #expect(try ComputeBackends.makeNetwork(weights: Self.weights, options: options) is NaiveFeatureNetwork)
    }
}

import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The whole Gatys objective through the real VGG19: Pincel's analytic gradient (oneDNN +
/// loss kernels, f32) against central finite differences of an independent float64
/// implementation (``NaiveVGG`` and the loss formulas written out below).
@Suite("Objective gradient (real weights)", .needsWeights)
struct ObjectiveGradientTests {
    static let size = 16
    static let styleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1"]
    static let contentLayer = "relu4_2"

    static func image(seed: UInt64, near base: [Float]? = nil) -> [Float] {
        var rng = SeededRandom(seed: seed)
        let n = 3 * size * size
        return (0..<n).map { i in
            let v = base.map { Double($0[i]) + 12 * rng.gaussian() } ?? (128 + 50 * rng.gaussian())
            return Float(min(max(v, 0), 255))
        }
    }

    /// The objective in float64 from the naive network's activations.
    static func referenceObjective(_ x: [Double], naive: NaiveVGG, contentTarget: [Double],
                                   styleTargets: [[Double]], options: TransferOptions) -> Double {
        let s = size
        let ops = NaiveVGG.ops(count: 13)
        let hw = s * s, mean = [103.939, 116.779, 123.68]
        let bgr = (0..<x.count).map { i in x[(2 - i / hw) * hw + i % hw] - mean[i / hw] }
        let trace = naive.forward(bgr, h: s, w: s, ops: ops)
        var total = 0.0
        let c = activation(trace, contentLayer)
        total += Double(options.contentWeight) * zip(c.values, contentTarget).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(c.values.count)
        for (l, name) in styleLayers.enumerated() {
            let g = gram(activation(trace, name))
            total += Double(options.styleWeight) * zip(g, styleTargets[l]).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(g.count)
        }
        var tv = 0.0
        for ch in 0..<3 { for i in 0..<s { for j in 0..<s {
            let v = x[(ch * s + i) * s + j]
            if j + 1 < s { tv += pow(x[(ch * s + i) * s + j + 1] - v, 2) }
            if i + 1 < s { tv += pow(x[(ch * s + i + 1) * s + j] - v, 2) }
        } } }
        return total + Double(options.tvWeight) / 2 * tv
    }

    static func activation(_ t: NaiveVGG.Trace, _ name: String) -> (values: [Double], channels: Int) {
        let k = (try? VGG19Layer(name: name).operationIndex) ?? 0
        return (t.values[k + 1], t.shapes[k + 1].c)
    }

    static func gram(_ f: (values: [Double], channels: Int)) -> [Double] {
        let n = f.channels, m = f.values.count / n
        var g = [Double](repeating: 0, count: n * n)
        for a in 0..<n { for b in a..<n {
            var acc = 0.0
            for k in 0..<m { acc += f.values[a * m + k] * f.values[b * m + k] }
            g[a * n + b] = acc / Double(n * m); g[b * n + a] = g[a * n + b]
        } }
        return g
    }

    @Test(arguments: [ConvolutionAlgorithm.direct, .winograd])
    func gradientMatchesFiniteDifferences(algorithm: ConvolutionAlgorithm) throws {
        let weights = try VGG19Weights.load(contentsOf: WeightsLocator.resolve(explicit: nil))
        var options = TransferOptions()
        options.contentLayers = [WeightedLayer(name: Self.contentLayer)]
        options.styleLayers = Self.styleLayers.map { WeightedLayer(name: $0) }
        options.network = NetworkOptions(algorithm: algorithm)
        let s = Self.size
        let contentImage = Self.image(seed: 1), styleImage = Self.image(seed: 2)
        // Start near the content so no term dwarfs the others.
        let x = Self.image(seed: 3, near: contentImage)
        let net = try VGG19Network(weights: weights, taps: ObjectiveSpec(options).taps, options: options.network)
        let objective = try GatysObjective(network: net, content: Tensor(shape: [3, s, s], data: contentImage),
                                           styles: [Tensor(shape: [3, s, s], data: styleImage)], spec: ObjectiveSpec(options))
        var g = [Float](repeating: 0, count: x.count)
        let value = try objective.evaluate(x, gradient: &g)

        let naive = NaiveVGG(weights: weights, pooling: .max)
        let ops = NaiveVGG.ops(count: 13)
        func trace(_ img: [Float]) -> NaiveVGG.Trace {
            naive.forward(NaiveVGG.preprocess(img, h: s, w: s), h: s, w: s, ops: ops)
        }
        let contentTarget = Self.activation(trace(contentImage), Self.contentLayer).values
        let styleTrace = trace(styleImage)
        let styleTargets = Self.styleLayers.map { Self.gram(Self.activation(styleTrace, $0)) }
        func f(_ v: [Double]) -> Double {
            Self.referenceObjective(v, naive: naive, contentTarget: contentTarget, styleTargets: styleTargets, options: options)
        }
        let x64 = x.map(Double.init)
        let ref = f(x64)
        #expect(abs(ref - Double(value)) / ref < 1e-4, "objective: Pincel \(value), reference \(ref)")

        var rng = SeededRandom(seed: 17)
        for _ in 0..<3 {
            let v = (0..<x.count).map { _ in rng.gaussian() }
            let h = 1e-3
            let numeric = (f(zip(x64, v).map { $0 + h * $1 }) - f(zip(x64, v).map { $0 - h * $1 })) / (2 * h)
            let analytic = zip(g, v).reduce(0.0) { $0 + Double($1.0) * $1.1 }
            let rel = abs(numeric - analytic) / max(abs(numeric), abs(analytic))
            print("objective gradient (\(algorithm)): relative error \(rel)")
            #expect(rel < 1e-3, "directional derivative: numeric \(numeric), analytic \(analytic), relative error \(rel)")
        }
    }
}

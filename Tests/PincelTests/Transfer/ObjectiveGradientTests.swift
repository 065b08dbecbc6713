import Foundation
import Testing
@testable import Pincel

/// The whole Gatys objective through the real VGG19: analytic gradient against central
/// finite differences along random directions.
@Suite("Objective gradient (real weights)")
struct ObjectiveGradientTests {
    static func realWeights() throws -> VGG19Weights {
        try VGG19Weights.load(contentsOf: WeightsLocator.resolve(explicit: nil))
    }

    static func smoothImage(_ h: Int, _ w: Int, seed: UInt64) -> Tensor {
        var rng = SeededRandom(seed: seed)
        var t = Tensor(zeros: [3, h, w])
        let phase = (0..<6).map { _ in rng.uniform() * 6 }
        for c in 0..<3 { for y in 0..<h { for x in 0..<w {
            let wave: Double = sin(Double(x) * 0.3 + phase[c]) * cos(Double(y) * 0.2 + phase[c + 3])
            let v: Double = 128 + 60 * wave + 10 * rng.gaussian()
            t.data[(c * h + y) * w + x] = Float(v)
        } } }
        return t
    }

    @Test(arguments: [(ConvolutionAlgorithm.direct, Float(5), Float(0), Float(0)), (.direct, 0, 100, 0), (.direct, 0, 0, 1e-3), (.direct, 0, 100, 0)])
    func directionalDerivativeMatches(algorithm: ConvolutionAlgorithm, cw: Float, sw: Float, tw: Float) throws {
        let weights = try Self.realWeights()
        var options = TransferOptions()
        options.contentWeight = cw; options.styleWeight = sw; options.tvWeight = tw
        options.network = NetworkOptions(pooling: .avg, algorithm: algorithm)
        // Targets near x keep the loss small, so its changes stand well above f32 rounding.
        let base = Self.smoothImage(32, 32, seed: 3)
        var noise = SeededRandom(seed: 5)
        let content = Tensor(shape: base.shape, data: base.data.map { $0 + Float(3 * noise.gaussian()) })
        let style = Tensor(shape: base.shape, data: base.data.map { $0 + Float(3 * noise.gaussian()) })
        let net = try VGG19Network(weights: weights, taps: GatysObjective.taps(for: options), options: options.network)
        let objective = try GatysObjective(network: net, content: content, styles: [style], blend: nil, options: options)
        let x = base.data
        var g = [Float](repeating: 0, count: x.count)
        _ = try objective.evaluate(x, gradient: &g)
        var rng = SeededRandom(seed: 9)
        for _ in 0..<3 {
            let v = (0..<x.count).map { _ in Float(rng.gaussian()) }
            let h: Float = 0.05
            var scratch = [Float](repeating: 0, count: x.count)
            let plus = try objective.evaluate(zip(x, v).map { $0 + h * $1 }, gradient: &scratch)
            let minus = try objective.evaluate(zip(x, v).map { $0 - h * $1 }, gradient: &scratch)
            let numeric = (Double(plus) - Double(minus)) / (2 * Double(h))
            let analytic = zip(g, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let rel = abs(numeric - analytic) / max(abs(numeric), abs(analytic))
            #expect(rel < 2e-2, "numeric \(numeric) analytic \(analytic) relative error \(rel) at \(plus) \(minus)")
        }
    }
}

import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The objective's own spec: either term may be empty (reconstructions need no dummy layers).
@Suite("Objective spec")
struct ObjectiveSpecTests {
    static let weights = randomVGG19Weights(seed: 3)
    static let side = 32

    static func image(_ seed: UInt64) -> Tensor {
        var rng = SeededRandom(seed: seed)
        return Tensor(shape: [3, side, side], data: (0..<(3 * side * side)).map { _ in Float(rng.uniform() * 255) })
    }

    static func terms(_ spec: ObjectiveSpec, styles: [Tensor], at x: Tensor) throws -> (GatysObjective.Terms, [Float]) {
        let network = try VGG19Network(weights: weights, taps: spec.taps)
        let objective = try GatysObjective(network: network, content: image(1), styles: styles, spec: spec)
        var gradient = [Float](repeating: 0, count: x.data.count)
        _ = try objective.evaluate(x.data, gradient: &gradient)
        return (objective.terms, gradient)
    }

    static let content = [WeightedLayer(name: "relu2_1")]
    static let style = [WeightedLayer(name: "relu1_1"), WeightedLayer(name: "relu2_1", weight: 0.5)]

    @Test func eachTermAloneIsThatTermOfTheFullObjective() throws {
        let x = Self.image(9), style = Self.image(2)
        let full = ObjectiveSpec(contentLayers: Self.content, styleLayers: Self.style, contentWeight: 5, styleWeight: 100, tvWeight: 0)
        let contentOnly = ObjectiveSpec(contentLayers: Self.content, styleLayers: [], contentWeight: 5, styleWeight: 100, tvWeight: 0)
        let styleOnly = ObjectiveSpec(contentLayers: Self.content, styleLayers: Self.style, contentWeight: 0, styleWeight: 100, tvWeight: 0)
        let (all, gAll) = try Self.terms(full, styles: [style], at: x)
        let (c, gC) = try Self.terms(contentOnly, styles: [], at: x)  // no style image needed
        let (s, gS) = try Self.terms(styleOnly, styles: [style], at: x)
        #expect(c.style == 0 && s.content == 0)
        #expect(abs(c.content - all.content) <= 1e-5 * all.content)
        #expect(abs(s.style - all.style) <= 1e-5 * all.style)
        // Gradients add up too.
        let worst = zip(gAll, zip(gC, gS)).map { abs($0 - $1.0 - $1.1) }.max() ?? 0
        let scale = gAll.map { abs($0) }.max() ?? 1
        #expect(worst <= 1e-4 * scale, "gradient of the sum differs by \(worst) (scale \(scale))")
    }

    @Test func noTermAtAllIsRefused() throws {
        let spec = ObjectiveSpec(contentLayers: Self.content, styleLayers: Self.style, contentWeight: 0, styleWeight: 0, tvWeight: 1)
        #expect(spec.taps.isEmpty)
        let network = try VGG19Network(weights: Self.weights, taps: ["relu1_1"])
        #expect(throws: TransferError.self) {
            try GatysObjective(network: network, content: Self.image(1), styles: [], spec: spec)
        }
        var options = TransferOptions()
        (options.contentWeight, options.styleWeight) = (0, 0)
        #expect(throws: TransferError.self) { try options.validate(styleCount: 1) }
    }

    @Test func aStyleTermNeedsAStyleImage() throws {
        let spec = ObjectiveSpec(contentLayers: [], styleLayers: Self.style, contentWeight: 0, styleWeight: 1, tvWeight: 0)
        let network = try VGG19Network(weights: Self.weights, taps: spec.taps)
        #expect(throws: TransferError.invalidSetting(.styles, "must hold at least one image for a style term")) {
            try GatysObjective(network: network, content: Self.image(1), styles: [], spec: spec)
        }
    }
}

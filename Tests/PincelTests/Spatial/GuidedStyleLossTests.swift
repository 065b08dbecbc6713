import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The guided style loss against a naive Double implementation written from its definition,
/// and its gradient against central finite differences of that implementation.
@Suite("Guided style loss")
struct GuidedStyleLossTests {
    /// `F` as `[N][M]` (channel, position), whatever the layout.
    static func naiveLoss(_ f: [[Double]], guide g: [Double], target a: [Double], weight: Double) -> Double {
        let n = f.count, m = g.count
        let s = g.reduce(0) { $0 + $1 * $1 }
        guard s > 0 else { return 0 }
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n {
                var gram = 0.0
                for p in 0..<m { gram += g[p] * g[p] * f[i][p] * f[j][p] }
                gram /= Double(n) * s
                total += (gram - a[i * n + j]) * (gram - a[i * n + j])
            }
        }
        return weight * (s / Double(m)) * total / Double(n * n)
    }

    static func flatten(_ f: [[Double]], layout: FeatureLayout) -> [Float] {
        let n = f.count, m = f[0].count
        var out = [Float](repeating: 0, count: n * m)
        for c in 0..<n {
            for p in 0..<m {
                switch layout {
                case .channelsFirst: out[c * m + p] = Float(f[c][p])
                case .channelsLast: out[p * n + c] = Float(f[c][p])
                }
            }
        }
        return out
    }

    /// Both layouts, with the default chunks (one) and with chunks of 2 rows (many, and a last
    /// one shorter).
    @Test(arguments: FeatureLayout.allCases, [1 << 20, 10])
    func lossAndGradientMatchTheNaiveDefinition(layout: FeatureLayout, chunkValues: Int) throws {
        var rng = TestRNG(seed: 7)
        let n = 5, h = 4, w = 6, m = h * w
        let f: [[Double]] = (0..<n).map { _ in (0..<m).map { _ in max(0, rng.uniform(-1, 3)) } }
        // A soft guide: zeros, partial values and ones.
        let guide: [Double] = (0..<m).map { p in p % 5 == 0 ? 0 : p % 3 == 0 ? 1 : rng.uniform(0.1, 0.9) }
        let targetValues: [Double] = {
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in i..<n { let v = rng.uniform(0, 2); a[i * n + j] = v; a[j * n + i] = v } }
            return a
        }()
        let weight = 3.0
        let target = try GramMatrix(channels: n, values: targetValues.map { Float($0) })
        let compact = CompactGuide(guide.map { Float($0) })
        let features = Self.flatten(f, layout: layout)
        var gradient = [Float](repeating: 0.25, count: features.count)  // the loss adds into it
        let workspace = try GuidedStyleWorkspace(channels: n, chunkValues: chunkValues)
        let loss = try features.withUnsafeBufferPointer { fp in
            try gradient.withUnsafeMutableBufferPointer { gp in
                try GuidedStyleLoss.evaluate(features: fp, target: target, guide: compact, layerWeight: Float(weight),
                                             workspace: workspace, gradient: gp, layout: layout)
            }
        }
        let fDouble = f.map { $0.map { Double(Float($0)) } }
        let reference = Self.naiveLoss(fDouble, guide: guide.map { Double(Float($0)) }, target: targetValues.map { Double(Float($0)) }, weight: weight)
        #expect(abs(Double(loss) - reference) <= 1e-4 * abs(reference), "loss \(loss) vs naive \(reference)")
        let eps = 1e-4
        var worst = 0.0
        for c in 0..<n {
            for p in 0..<m {
                var plus = fDouble, minus = fDouble
                plus[c][p] += eps
                minus[c][p] -= eps
                let tg = targetValues.map { Double(Float($0)) }, gd = guide.map { Double(Float($0)) }
                let numeric = (Self.naiveLoss(plus, guide: gd, target: tg, weight: weight)
                               - Self.naiveLoss(minus, guide: gd, target: tg, weight: weight)) / (2 * eps)
                let index = layout == .channelsFirst ? c * m + p : p * n + c
                let analytic = Double(gradient[index]) - 0.25
                worst = max(worst, abs(analytic - numeric) / max(1e-3, abs(numeric)))
                if guide[p] == 0 { #expect(gradient[index] == 0.25, "a position outside the guide got a gradient") }
            }
        }
        #expect(worst < 2e-3, "largest relative gradient error \(worst)")
    }

    @Test func anAllOnesGuideIsThePlainStyleLoss() throws {
        var rng = TestRNG(seed: 9)
        let n = 8, m = 30
        let features = (0..<(n * m)).map { _ in Float(max(0, rng.uniform(-1, 2))) }
        let target = try GramMatrix(channels: n, values: (0..<(n * n)).map { i in Float((i % n) == (i / n) ? 0.5 : 0.1) })
        var plain = [Float](repeating: 0, count: features.count), guided = plain
        let plainLoss = try features.withUnsafeBufferPointer { f in
            try plain.withUnsafeMutableBufferPointer { g in
                try StyleLoss.evaluate(features: f, target: target, layerWeight: 2, workspace: try StyleLayerWorkspace(channels: n),
                                       gradient: g, layout: .channelsLast)
            }
        }
        let guidedLoss = try features.withUnsafeBufferPointer { f in
            try guided.withUnsafeMutableBufferPointer { g in
                try GuidedStyleLoss.evaluate(features: f, target: target, guide: CompactGuide([Float](repeating: 1, count: m)),
                                             layerWeight: 2, workspace: try GuidedStyleWorkspace(channels: n), gradient: g,
                                             layout: .channelsLast)
            }
        }
        #expect(abs(plainLoss - guidedLoss) <= 1e-5 * abs(plainLoss))
        let diff = zip(plain, guided).map { abs($0 - $1) }.max() ?? 0
        let scale = plain.map { abs($0) }.max() ?? 1
        #expect(diff <= 1e-5 * scale)
    }

    @Test func anEmptyGuideGivesNoLossAndNoGradient() throws {
        let features = [Float](repeating: 1, count: 12)
        var gradient = [Float](repeating: 0, count: 12)
        let loss = try features.withUnsafeBufferPointer { f in
            try gradient.withUnsafeMutableBufferPointer { g in
                try GuidedStyleLoss.evaluate(features: f, target: try GramMatrix(channels: 3, values: [Float](repeating: 0, count: 9)),
                                             guide: CompactGuide([0, 0, 0, 0]), layerWeight: 1,
                                             workspace: try GuidedStyleWorkspace(channels: 3), gradient: g, layout: .channelsLast)
            }
        }
        #expect(loss == 0 && gradient.allSatisfy { $0 == 0 })
    }
}

/// Guides at a layer's resolution, the feathered change mask and the blend.
@Suite("Layer guides and masks", .scratchFolder)
struct LayerGuideTests {
    @Test func resizingAveragesBoxesAndKeepsTheRange() {
        let g: [Float] = [0, 0, 1, 1,
                          0, 0, 1, 1]
        #expect(LayerGuide.resized(g, from: (2, 4), to: (1, 2)) == [0, 1])
        #expect(LayerGuide.resized(g, from: (2, 4), to: (1, 1)) == [0.5])
        let up = LayerGuide.resized([0, 1], from: (1, 2), to: (2, 4))
        #expect(up == g)
    }

    @Test func erosionKeepsOnlyUnitsWhoseReceptiveFieldIsInside() throws {
        // Left half of a 32 x 32 image.
        let (h, w) = (32, 32)
        let g = (0..<(h * w)).map { Float($0 % w < 16 ? 1 : 0) }
        let down = LayerGuide.atLayer(g, size: (h, w), layer: "relu2_1", to: (16, 16), mode: .downsampled)
        let eroded = LayerGuide.atLayer(g, size: (h, w), layer: "relu2_1", to: (16, 16), mode: .eroded)
        // relu2_1: conv, conv (1 px each: x ≤ 13 left), pool (x ≤ 6), conv (x ≤ 5): a unit at x ≥ 6
        // has input pixels of the right half in its receptive field (2x + 5 ≥ 16 … by the chain).
        for y in 0..<16 {
            for x in 0..<16 {
                #expect(down[y * 16 + x] == (x < 8 ? 1 : 0))
                #expect(eroded[y * 16 + x] == (x < 6 ? 1 : 0), "x \(x)")
            }
        }
        // A region too small for relu5_1 has nothing left there (or, asked for, the downsampled guide).
        var dot = [Float](repeating: 0, count: h * w)
        dot[5 * w + 5] = 1
        #expect(LayerGuide.atLayer(dot, size: (h, w), layer: "relu5_1", to: (2, 2), mode: .eroded) == [0, 0, 0, 0])
        let deep = LayerGuide.atLayer(dot, size: (h, w), layer: "relu5_1", to: (2, 2), mode: .eroded, fallback: true)
        #expect(deep == LayerGuide.resized(dot, from: (h, w), to: (2, 2)))
    }

    @Test func featheringRampsInsideAndLeavesTheOutsideZero() {
        let (h, w) = (9, 20)
        let mask = (0..<(h * w)).map { Float($0 % w >= 10 ? 1 : 0) }
        let f = MaskFeather.feathered(mask, height: h, width: w, radius: 4)
        for y in 0..<h {
            for x in 0..<w {
                let v = f[y * w + x]
                if x < 10 { #expect(v == 0) } else { #expect(abs(v - min(1, Float(x - 9) / 4)) < 1e-6, "x \(x): \(v)") }
            }
        }
        #expect(MaskFeather.feathered(mask, height: h, width: w, radius: 0) == mask)
    }

    @Test func aMaskFileIsReadAsWeights() throws {
        do {
            let dir = try ScratchFolder.make()
            let path = dir.appendingPathComponent("left.png").path
            // White left half, black right half, a grey column in between.
            var rgb = [Float](repeating: 0, count: 3 * 8 * 10)
            for c in 0..<3 { for y in 0..<8 { for x in 0..<10 { rgb[(c * 8 + y) * 10 + x] = x < 5 ? 255 : x == 5 ? 102 : 0 } } }
            try ImageIO.save(Tensor(shape: [3, 8, 10], data: rgb), to: path)
            let values = try LoadedSpatial.load(.file(path), width: 10, height: 8, maxPixels: 1 << 20, setting: .styleMasks, index: 0)
            for y in 0..<8 { for x in 0..<10 { #expect(abs(values[y * 10 + x] - (x < 5 ? 1 : x == 5 ? 0.4 : 0)) < 1e-6) } }
            let black = Tensor(shape: [3, 4, 4], data: [Float](repeating: 0, count: 48))
            #expect(throws: TransferError.self) {
                _ = try LoadedSpatial.load(.pixels(black), width: 4, height: 4, maxPixels: 1 << 20, setting: .mask, index: nil)
            }
        }
    }

    @Test func overlappingMasksAreNormalised() {
        var masks: [[Float]] = [[1, 1, 0.5, 0], [1, 0, 0.25, 0]]
        LoadedSpatial.normalise(&masks)
        #expect(masks[0] == [0.5, 1, 0.5, 0] && masks[1] == [0.5, 0, 0.25, 0])
    }
}

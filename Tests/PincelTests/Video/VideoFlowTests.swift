import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL
@testable import PincelVideo

/// A smooth, textured grey-level test pattern (no periodicity at the scale of the shifts),
/// `[3, h, w]`, sampled at `(x − sx, y − sy)`: shifting by `(sx, sy)` moves its content by
/// that much.
func texturedFrame(width: Int, height: Int, shiftX: Double = 0, shiftY: Double = 0) -> Tensor {
    var data = [Float](repeating: 0, count: 3 * width * height)
    for y in 0..<height {
        for x in 0..<width {
            let u = Double(x) - shiftX, v = Double(y) - shiftY
            let g = 128 + 50 * sin(u * 0.21 + 0.3 * sin(v * 0.13)) * cos(v * 0.17)
                + 35 * sin(0.11 * u + 0.23 * v) + 20 * cos(0.31 * u - 0.07 * v * v / 40)
            for c in 0..<3 { data[c * width * height + y * width + x] = Float(min(max(g + Double(c) * 5, 0), 255)) }
        }
    }
    return Tensor(shape: [3, height, width], data: data)
}

@Suite struct VideoFlowTests {
    /// DIS recovers a known shift: the scene moved by (+3, −2) px from frame a to frame b.
    @Test func disFlowRecoversAKnownShift() throws {
        let (w, h) = (96, 80)
        let a = texturedFrame(width: w, height: h)
        let b = texturedFrame(width: w, height: h, shiftX: 3, shiftY: -2)
        let flow = try DISFlow().flow(from: a, to: b)
        var sx = 0.0, sy = 0.0, n = 0.0
        for y in 12..<(h - 12) {
            for x in 12..<(w - 12) {
                sx += Double(flow.dx[y * w + x]); sy += Double(flow.dy[y * w + x]); n += 1
            }
        }
        #expect(abs(sx / n - 3) < 0.25, "mean dx \(sx / n)")
        #expect(abs(sy / n + 2) < 0.25, "mean dy \(sy / n)")
        // And back.
        let back = try DISFlow().flow(from: b, to: a)
        let meanBack = back.dx[(h / 2) * w + w / 2]
        #expect(abs(meanBack + 3) < 0.5)
    }

    /// Warping by a whole-pixel flow copies the pixels exactly; sample points outside the
    /// image take the fallback and are marked invalid.
    @Test func warpByAWholePixelShiftIsExact() throws {
        let (w, h) = (20, 15)
        let image = (0..<(2 * w * h)).map { Float(($0 * 37) % 251) }
        let flow = try FlowField(width: w, height: h, dx: .init(repeating: -2, count: w * h), dy: .init(repeating: 1, count: w * h))
        let fallback = [Float](repeating: -7, count: image.count)
        let (out, valid) = FlowWarp.warp(image, channels: 2, flow: flow, fallback: fallback)
        for c in 0..<2 {
            for y in 0..<h {
                for x in 0..<w {
                    let p = y * w + x
                    let (sx, sy) = (x - 2, y + 1)
                    if sx >= 0, sy < h {
                        #expect(out[c * w * h + p] == image[c * w * h + sy * w + sx])
                        #expect(valid[p] == 1)
                    } else {
                        #expect(out[c * w * h + p] == -7)
                        #expect(valid[p] == 0)
                    }
                }
            }
        }
    }

    /// Bilinear sampling at a half-pixel shift is the mean of the two neighbours.
    @Test func warpByHalfAPixelInterpolates() throws {
        let (w, h) = (6, 3)
        let image = (0..<(w * h)).map { Float($0 * $0) }
        let flow = try FlowField(width: w, height: h, dx: .init(repeating: 0.5, count: w * h), dy: .init(repeating: 0, count: w * h))
        let out = FlowWarp.warp(image, channels: 1, flow: flow).image
        for y in 0..<h { for x in 0..<(w - 1) { #expect(out[y * w + x] == (image[y * w + x] + image[y * w + x + 1]) / 2) } }
    }

    /// A consistent shift is reliable in the interior; pixels whose source lies outside, a
    /// flow that does not come back, and a motion boundary are not.
    @Test func reliabilityOfAShiftAndOfAnInconsistentFlow() throws {
        let (w, h) = (16, 12)
        let n = w * h
        let backward = try FlowField(width: w, height: h, dx: .init(repeating: -3, count: n), dy: .init(repeating: 0, count: n))
        let forward = try FlowField(width: w, height: h, dx: .init(repeating: 3, count: n), dy: .init(repeating: 0, count: n))
        let c = Reliability.weights(backward: backward, forward: forward)
        for y in 0..<h {
            for x in 0..<w { #expect(c[y * w + x] == (x >= 3 ? 1 : 0), "pixel \(x),\(y)") }
        }
        // Forward flow that does not return: a disocclusion everywhere.
        let wrong = try FlowField(width: w, height: h, dx: .init(repeating: 0, count: n), dy: .init(repeating: 0, count: n))
        #expect(Reliability.weights(backward: backward, forward: wrong).allSatisfy { $0 == 0 })
        // A motion boundary: the left half moves, the right half does not.
        var bdx = [Float](repeating: 0, count: n), fdx = bdx
        for y in 0..<h { for x in 0..<(w / 2) { bdx[y * w + x] = 0.0; fdx[y * w + x] = 0 } ; for x in (w / 2)..<w { bdx[y * w + x] = 2; fdx[y * w + x] = -2 } }
        let edge = Reliability.weights(backward: try FlowField(width: w, height: h, dx: bdx, dy: .init(repeating: 0, count: n)),
                                       forward: try FlowField(width: w, height: h, dx: fdx, dy: .init(repeating: 0, count: n)))
        #expect(edge[5 * w + w / 2] == 0 && edge[5 * w + w / 2 - 1] == 0, "boundary columns")
        #expect(edge[5 * w + 2] == 1, "static part")
    }

    /// The temporal loss's gradient against central finite differences (in Double, on the
    /// Float function), and its value against a naive sum.
    @Test func temporalLossGradientMatchesFiniteDifferences() throws {
        var rng = SeededRandom(seed: 11)
        let (channels, pixels) = (3, 35)
        func randoms(_ n: Int, _ scale: Double) -> [Float] { (0..<n).map { _ in Float(rng.uniform() * scale) } }
        let targets = (0..<2).map { _ in
            TemporalLoss.Target(warped: randoms(channels * pixels, 255), weights: randoms(pixels, 1).map { $0 > 0.3 ? 1 : 0 })
        }
        let loss = try TemporalLoss(weight: 7.5, channels: channels, pixels: pixels, targets: targets)
        let x = randoms(channels * pixels, 255)
        var gradient = [Float](repeating: 0, count: x.count)
        let value = try x.withUnsafeBufferPointer { xp in try gradient.withUnsafeMutableBufferPointer { try loss.evaluate(image: xp, gradient: $0) } }
        // Naive value in Double.
        var naive = 0.0
        for t in targets { for c in 0..<channels { for p in 0..<pixels {
            let d = Double(x[c * pixels + p]) - Double(t.warped[c * pixels + p]); naive += Double(t.weights[p]) * d * d } } }
        naive *= 7.5 / Double(channels * pixels)
        #expect(abs(Double(value) - naive) <= 1e-4 * naive)
        func f(_ v: [Float]) throws -> Double {
            var g = [Float](repeating: 0, count: v.count)
            return Double(try v.withUnsafeBufferPointer { vp in try g.withUnsafeMutableBufferPointer { try loss.evaluate(image: vp, gradient: $0) } })
        }
        for k in stride(from: 0, to: x.count, by: 7) {
            var plus = x, minus = x
            let step: Float = 16  // the loss is quadratic: central differences are exact up to rounding
            plus[k] += step; minus[k] -= step
            let numeric = (try f(plus) - f(minus)) / Double(2 * step)
            #expect(abs(numeric - Double(gradient[k])) <= 1e-3 * max(1, abs(numeric)), "component \(k): \(numeric) vs \(gradient[k])")
        }
    }

    /// The objective adds a pixel term into its total, value and gradient.
    @Test func gatysObjectiveAddsThePixelTerm() throws {
        let weights = randomVGG19Weights(seed: 3)
        var options = TransferOptions()
        options.size = 32
        let network = try VGG19Network(weights: weights, taps: ObjectiveSpec(options).taps, options: NetworkOptions(tapLayout: .channelsLast))
        let content = texturedFrame(width: 32, height: 32)
        let objective = try GatysObjective(network: network, content: content, styles: [texturedFrame(width: 32, height: 32, shiftX: 5)],
                                           spec: ObjectiveSpec(options))
        var g0 = [Float](repeating: 0, count: content.data.count)
        let x = content.data.map { min($0 + 9, 255) }
        let plain = try objective.evaluate(x, gradient: &g0)
        let term = try TemporalLoss(weight: 100, channels: 3, pixels: 32 * 32,
                                    targets: [.init(warped: content.data, weights: .init(repeating: 1, count: 32 * 32))])
        objective.pixelTerm = term
        var g1 = [Float](repeating: 0, count: content.data.count)
        let with = try objective.evaluate(x, gradient: &g1)
        #expect(objective.terms.temporal > 0)
        #expect(abs(with - plain - objective.terms.temporal) <= 1e-5 * with)
        var g2 = [Float](repeating: 0, count: content.data.count)
        let alone = try x.withUnsafeBufferPointer { xp in try g2.withUnsafeMutableBufferPointer { try term.evaluate(image: xp, gradient: $0) } }
        #expect(abs(alone - objective.terms.temporal) <= 1e-6 * alone)
        for k in stride(from: 0, to: g0.count, by: 97) { #expect(abs(g1[k] - g0[k] - g2[k]) <= 1e-4 * max(1, abs(g1[k]))) }
    }
}

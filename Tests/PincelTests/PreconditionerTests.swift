import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The scale-space preconditioner `M = I + Σ (4 gain)^k Dᵀᵏ Dᵏ` and L-BFGS with it.
@Suite("Scale-space preconditioner")
struct PreconditionerTests {
    static func applied(_ m: ScaleSpacePreconditioner, _ v: [Float]) -> [Float] {
        var out = v
        out.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { m.apply(base) } }
        return out
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test(arguments: [(3, 13, 10), (1, 33, 64), (3, 8, 8)])
    func isSymmetricAndAtLeastTheIdentity(channels: Int, height: Int, width: Int) throws {
        let m = try ScaleSpacePreconditioner(channels: channels, height: height, width: width, levels: 6)
        var rng = TestRNG(state: 5)
        let n = channels * height * width
        for _ in 0..<3 {
            let u = (0..<n).map { _ in rng.uniformFloat(-1, 1) }
            let v = (0..<n).map { _ in rng.uniformFloat(-1, 1) }
            let uMv = Self.dot(u, Self.applied(m, v)), vMu = Self.dot(v, Self.applied(m, u))
            #expect(abs(uMv - vMu) <= 1e-5 * max(abs(uMv), 1), "u·Mv \(uMv) vs v·Mu \(vMu)")
            // M = I + (positive semidefinite), so v·Mv ≥ v·v.
            #expect(Self.dot(v, Self.applied(m, v)) >= Self.dot(v, v) * (1 - 1e-6))
        }
    }

    @Test func amplifiesBroadChangesAndLeavesFinestDetail() throws {
        let (h, w) = (64, 64)
        let m = try ScaleSpacePreconditioner(channels: 1, height: h, width: w, levels: 4, gain: 2)
        #expect(m.levels == 4)
        // A constant: gain (1 + 2 + 4 + 8 + 16 = 31) in the interior, where no level sees an edge.
        let flat = Self.applied(m, [Float](repeating: 1, count: h * w))
        #expect(abs(flat[32 * w + 32] - 31) < 0.5, "interior gain on a constant: \(flat[32 * w + 32])")
        // A checkerboard (the finest detail): the binomial filter removes it away from the edges
        // (where the cut-off filter leaves a little), so M leaves it almost alone.
        let checker = (0..<(h * w)).map { Float(($0 / w + $0 % w) % 2 == 0 ? 1 : -1) }
        let out = Self.applied(m, checker)
        for (y, x) in [(10, 10), (31, 32), (50, 20)] { #expect(abs(out[y * w + x] - checker[y * w + x]) < 0.01) }
        // No levels: the identity.
        let none = try ScaleSpacePreconditioner(channels: 1, height: h, width: w, levels: 0)
        #expect(Self.applied(none, checker) == checker)
    }

    @Test func rejectsBadArguments() {
        #expect(throws: OptimizerError.self) { try ScaleSpacePreconditioner(channels: 0, height: 4, width: 4) }
        #expect(throws: OptimizerError.self) { try ScaleSpacePreconditioner(channels: 1, height: 4, width: 4, levels: -1) }
        #expect(throws: OptimizerError.self) { try ScaleSpacePreconditioner(channels: 1, height: 4, width: 4, gain: 0) }
    }

    /// `f = ½ Σ (x − c)ᵀ (L + εI) (x − c)` over a 1-channel image, `L` the 4-neighbour Laplacian:
    /// curvature grows with frequency, as in the pixels of a style-transfer objective.
    static func smoothness(_ x: [Float], _ g: inout [Float], c: [Float], h: Int, w: Int) -> Float {
        var f = 0.0
        let d = zip(x, c).map { Double($0) - Double($1) }
        var grad = d.map { 1e-3 * $0 }
        f = 0.5e-3 * d.reduce(0) { $0 + $1 * $1 }
        for y in 0..<h {
            for xx in 0..<w {
                let i = y * w + xx
                for j in [xx + 1 < w ? i + 1 : -1, y + 1 < h ? i + w : -1] where j >= 0 {
                    let diff = d[i] - d[j]
                    f += 0.5 * diff * diff
                    grad[i] += diff
                    grad[j] -= diff
                }
            }
        }
        for i in g.indices { g[i] = Float(grad[i]) }
        return Float(f)
    }

    @Test func lbfgsReachesALowerValueWithThePreconditioner() throws {
        let (h, w) = (48, 48)
        var rng = TestRNG(state: 9)
        // A smooth target: broad gradients the plain method converges to slowly.
        let c = (0..<(h * w)).map { i in Float(100 + 80 * sin(Double(i / w) / 9) * cos(Double(i % w) / 13)) + rng.uniformFloat(-1, 1) }
        func run(_ p: Preconditioner?) throws -> Float {
            let opt = try LBFGS(historySize: 5, bounds: .pixelRange, preconditioner: p)
            var x = [Float](repeating: 128, count: h * w)
            _ = try opt.minimize(x: &x, evaluations: 40, objective: { v, g in
                Self.smoothness(v, &g, c: c, h: h, w: w)
            })
            var g = [Float](repeating: 0, count: x.count)
            return Self.smoothness(x, &g, c: c, h: h, w: w)
        }
        let plain = try run(nil)
        let conditioned = try run(try ScaleSpacePreconditioner(channels: 1, height: h, width: w, levels: 5))
        #expect(conditioned < 0.5 * plain, "preconditioned \(conditioned) vs plain \(plain)")
    }

    @Test func lbfgsRejectsAPreconditionerOfAnotherSize() throws {
        let opt = try LBFGS(preconditioner: try ScaleSpacePreconditioner(channels: 1, height: 4, width: 4))
        var x = [Float](repeating: 1, count: 10)
        #expect(throws: OptimizerError.self) { try opt.step(&x, value: 1, gradient: [Float](repeating: 1, count: 10)) }
    }
}

/// The fused, threaded pass of the L-BFGS two-loop recursion against plain Double arithmetic.
@Test(arguments: [1000, 70_001, 300_017])
func axpyThenDotMatchesTwoSeparatePasses(count n: Int) {
    var rng = TestRNG(state: 17)
    let x = (0..<n).map { _ in rng.uniformFloat(-1, 1) }
    let z = (0..<n).map { _ in rng.uniformFloat(-1, 1) }
    let d0 = (0..<n).map { _ in rng.uniformFloat(-1, 1) }
    var d = d0, plain = d0
    let alpha: Float = -0.37
    let dot = x.withUnsafeBufferPointer { xp in
        z.withUnsafeBufferPointer { zp in
            d.withUnsafeMutableBufferPointer { dp in
                VectorMath.axpyThenDot(alpha, xp.baseAddress!, dp.baseAddress!, dotWith: zp.baseAddress!, count: n)
            }
        }
    }
    var expected = 0.0, magnitude = 0.0
    for i in 0..<n {
        plain[i] += alpha * x[i]
        expected += Double(z[i]) * Double(plain[i])
        magnitude += abs(Double(z[i]) * Double(plain[i]))
    }
    #expect(d == plain)
    // Float partial sums within blocks of 1024, Double across blocks.
    #expect(abs(dot - expected) <= 1e-6 * magnitude)
    // Without a dot product: only the update.
    var e = d0
    let none = x.withUnsafeBufferPointer { xp in
        e.withUnsafeMutableBufferPointer { VectorMath.axpyThenDot(alpha, xp.baseAddress!, $0.baseAddress!, dotWith: nil, count: n) }
    }
    #expect(none == 0)
    #expect(e == plain)
}

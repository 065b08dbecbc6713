/// A fixed, symmetric positive-definite linear operator `M` that L-BFGS uses as the shape of its
/// initial inverse Hessian (`H0 = γ M` instead of `γ I`).
///
/// Conforming types must be linear, symmetric and positive definite on vectors of the size they
/// were made for, or L-BFGS loses its descent guarantee.
public protocol Preconditioner: AnyObject {
    /// The number of variables the operator acts on.
    var count: Int { get }
    /// Replaces `v` (`count` values) by `M v`.
    func apply(_ v: UnsafeMutablePointer<Float>)
}

/// `M = I + Σ_{k=1…levels} (4·gain)^k · Dᵀᵏ Dᵏ` on an image `[C, H, W]`, where `D` halves each
/// side with the separable binomial filter `[1, 2, 1] / 4` (stride 2, zeros beyond the edges)
/// and `Dᵀ` is its exact adjoint.
///
/// `Dᵀᵏ Dᵏ` passes detail coarser than `2ᵏ` pixels with a gain of about `4⁻ᵏ` and removes finer
/// detail, so a smooth component of wavelength `2ʲ` is amplified by about `Σ_{k≤j} gainᵏ`:
/// with `gain = 2` the operator behaves like `1 / frequency`. The objective's curvature in the
/// pixels is far larger for fine detail than for broad colour changes (the first VGG layers and
/// the total-variation term see mostly the former), so plain L-BFGS, whose starting inverse
/// Hessian is a multiple of the identity, moves broad structure slowly; with `M` the first
/// quasi-Newton steps already take broad changes in proportion. It is the linear change of
/// variables `x = Σ_k U_k y_k` over a Laplacian-style pyramid, applied as a preconditioner so
/// that the box constraints stay on the pixels.
///
/// Applying it costs a few passes over the image; its scratch is allocated once.
public final class ScaleSpacePreconditioner: Preconditioner {
    /// Image channels `C` (3 for RGB, 1 for luminance).
    public let channels: Int
    /// Image height, pixels.
    public let height: Int
    /// Image width, pixels.
    public let width: Int
    /// Coarser levels in use: the requested count, lowered so the coarsest side stays ≥ 2 px.
    public let levels: Int
    /// Per-level amplification, above 0.
    public let gain: Float
    /// `channels · height · width`.
    public var count: Int { channels * height * width }

    /// `(height, width)` of each level, level 0 the image.
    private let shapes: [(h: Int, w: Int)]
    /// Per level ≥ 1: the down-sampled signal `Dᵏ v`, `channels · h · w` each.
    private let down: [FloatBuffer]
    /// Per level: the accumulated `Σ_{j≥k} a_j Dᵀ^{j−k} D^j v` on that level's grid.
    private let up: [FloatBuffer]
    /// Row-filtered scratch, `channels · h_{k−1} · w_k` at most.
    private let scratch: FloatBuffer

    /// The operator for images `[channels, height, width]`; its scratch is allocated here.
    ///
    /// - Parameters:
    ///   - channels: `C`, at least 1.
    ///   - height: `H`, pixels, at least 1.
    ///   - width: `W`, pixels, at least 1.
    ///   - levels: coarser levels (≥ 0; `0` makes `M = I`); limited so the coarsest side is ≥ 2 px.
    ///   - gain: per-level amplification (> 0).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a value outside these ranges.
    public init(channels: Int, height: Int, width: Int, levels: Int = 6, gain: Float = 2) throws {
        guard channels > 0, height > 0, width > 0 else {
            throw OptimizerError.invalidArgument("a preconditioner needs a non-empty image, got [\(channels), \(height), \(width)]")
        }
        guard levels >= 0 else { throw OptimizerError.invalidArgument("preconditioner levels must be ≥ 0, got \(levels)") }
        guard gain > 0, gain.isFinite else { throw OptimizerError.invalidArgument("preconditioner gain must be positive, got \(gain)") }
        self.channels = channels
        self.height = height
        self.width = width
        self.gain = gain
        var shapes = [(h: height, w: width)]
        while shapes.count <= levels, let last = shapes.last, min(last.h, last.w) >= 4 {
            shapes.append((h: (last.h + 1) / 2, w: (last.w + 1) / 2))
        }
        self.shapes = shapes
        self.levels = shapes.count - 1
        down = shapes.dropFirst().map { FloatBuffer(count: channels * $0.h * $0.w) }
        up = shapes.map { FloatBuffer(count: channels * $0.h * $0.w) }
        scratch = FloatBuffer(count: channels * height * ((width + 1) / 2))
    }

    /// Replaces `v` (``count`` values, `[C, H, W]`) by `M v`.
    public func apply(_ v: UnsafeMutablePointer<Float>) {
        guard levels > 0 else { return }
        // Down: D^k v for k = 1…levels.
        var source = UnsafePointer(v)
        for k in 1...levels {
            downsample(source, shapes[k - 1], into: down[k - 1].pointer, shapes[k])
            source = UnsafePointer(down[k - 1].pointer)
        }
        // Up: u_L = a_L D^L v; u_{k} = Dᵀ u_{k+1} + a_k D^k v; v ← Dᵀ u_1 + v.
        let levelGain = 4 * gain
        var a = Float(1)
        for _ in 0..<levels { a *= levelGain }
        let coarsest = up[levels].pointer, n = channels * shapes[levels].h * shapes[levels].w
        for i in 0..<n { coarsest[i] = a * down[levels - 1].pointer[i] }
        for k in stride(from: levels - 1, through: 0, by: -1) {
            a /= levelGain
            let target = up[k].pointer
            upsampleAdjoint(UnsafePointer(up[k + 1].pointer), shapes[k + 1], into: target, shapes[k])
            let m = channels * shapes[k].h * shapes[k].w
            if k == 0 {
                for i in 0..<m { v[i] += target[i] }
            } else {
                let d = down[k - 1].pointer
                for i in 0..<m { target[i] += a * d[i] }
            }
        }
    }

    /// `y = D x`: rows then columns, each output `0.25 x[2i−1] + 0.5 x[2i] + 0.25 x[2i+1]`.
    private func downsample(_ x: UnsafePointer<Float>, _ from: (h: Int, w: Int),
                            into y: UnsafeMutablePointer<Float>, _ to: (h: Int, w: Int)) {
        let t = scratch.pointer
        for c in 0..<channels {
            let xc = x + c * from.h * from.w, tc = t + c * from.h * to.w, yc = y + c * to.h * to.w
            for r in 0..<from.h {
                let row = xc + r * from.w, out = tc + r * to.w
                for j in 0..<to.w {
                    let center = 2 * j
                    var s = 0.5 * row[center]
                    if center > 0 { s += 0.25 * row[center - 1] }
                    if center + 1 < from.w { s += 0.25 * row[center + 1] }
                    out[j] = s
                }
            }
            for i in 0..<to.h {
                let center = 2 * i, out = yc + i * to.w
                let mid = tc + center * to.w
                for j in 0..<to.w { out[j] = 0.5 * mid[j] }
                if center > 0 {
                    let above = tc + (center - 1) * to.w
                    for j in 0..<to.w { out[j] += 0.25 * above[j] }
                }
                if center + 1 < from.h {
                    let below = tc + (center + 1) * to.w
                    for j in 0..<to.w { out[j] += 0.25 * below[j] }
                }
            }
        }
    }

    /// `x = Dᵀ y` (overwrites `x`): the exact adjoint of ``downsample``.
    private func upsampleAdjoint(_ y: UnsafePointer<Float>, _ from: (h: Int, w: Int),
                                 into x: UnsafeMutablePointer<Float>, _ to: (h: Int, w: Int)) {
        let t = scratch.pointer
        for c in 0..<channels {
            let yc = y + c * from.h * from.w, tc = t + c * to.h * from.w, xc = x + c * to.h * to.w
            // Columns: t[r] = Σ_i w(r − 2i) y[i].
            tc.update(repeating: 0, count: to.h * from.w)
            for i in 0..<from.h {
                let center = 2 * i, src = yc + i * from.w
                let mid = tc + center * from.w
                for j in 0..<from.w { mid[j] += 0.5 * src[j] }
                if center > 0 {
                    let above = tc + (center - 1) * from.w
                    for j in 0..<from.w { above[j] += 0.25 * src[j] }
                }
                if center + 1 < to.h {
                    let below = tc + (center + 1) * from.w
                    for j in 0..<from.w { below[j] += 0.25 * src[j] }
                }
            }
            // Rows.
            for r in 0..<to.h {
                let src = tc + r * from.w, out = xc + r * to.w
                out.update(repeating: 0, count: to.w)
                for j in 0..<from.w {
                    let center = 2 * j, value = src[j]
                    out[center] += 0.5 * value
                    if center > 0 { out[center - 1] += 0.25 * value }
                    if center + 1 < to.w { out[center + 1] += 0.25 * value }
                }
            }
        }
    }
}

import PincelCore
import PincelWeights
import PincelImaging

/// A guide (weights 0…1 over an image's pixels, `[H, W]` row-major) brought to the
/// resolution of a VGG19 layer, for ``GuidedStyleLoss``.
enum LayerGuide {
    /// Resizes `values` (`from.h × from.w`) to `to.h × to.w`: each output pixel averages the
    /// input pixels its footprint covers (at least one), so shrinking is a box average and
    /// enlarging picks the nearest pixel. Guides are weights, not images: no ringing, no
    /// values outside the input's range.
    static func resized(_ values: [Float], from: (h: Int, w: Int), to: (h: Int, w: Int)) -> [Float] {
        if from == to { return values }
        guard to.h > 0, to.w > 0, from.h > 0, from.w > 0, values.count == from.h * from.w else { return [] }
        func span(_ i: Int, _ n: Int, _ m: Int) -> Range<Int> {  // input indices for output i of m, input n
            let lo = i * n / m
            let hi = max(lo + 1, ((i + 1) * n + m - 1) / m)
            return lo..<min(hi, n)
        }
        let cols = (0..<to.w).map { span($0, from.w, to.w) }
        var out = [Float](repeating: 0, count: to.h * to.w)
        for y in 0..<to.h {
            let rows = span(y, from.h, to.h)
            for x in 0..<to.w {
                var sum: Float = 0
                for r in rows { for c in cols[x] { sum += values[r * from.w + c] } }
                out[y * to.w + x] = sum / Float(rows.count * cols[x].count)
            }
        }
        return out
    }

    /// The guide at layer `layer` (a VGG19 tap name) whose activation is `to.h × to.w`, from
    /// the guide at the image's resolution.
    ///
    /// - `.downsampled`: ``resized(_:from:to:)``.
    /// - `.eroded`: through every operation up to the layer, a 3x3 convolution becomes a 3x3
    ///   minimum (over the neighbours inside the image) and a 2x2 pooling a 2x2 minimum, so a
    ///   unit's weight is the smallest guide value its receptive field sees. When that leaves
    ///   the guide all zero (a small region at a deep layer) the result is all zero (the region
    ///   has no term at that layer), or with `fallback` the downsampled guide.
    static func atLayer(_ guide: [Float], size: (h: Int, w: Int), layer: String, to: (h: Int, w: Int),
                        mode: SpatialControl.GuideMode, fallback: Bool = false) -> [Float] {
        let down = resized(guide, from: size, to: to)
        guard mode == .eroded, let target = try? VGG19Layer(name: layer) else { return down }
        var g = guide, h = size.h, w = size.w
        for op in operations(upTo: target) {
            switch op {
            case .conv: g = minimum3x3(g, h: h, w: w)
            case .pool:
                (g, h, w) = minimumPool(g, h: h, w: w)
            }
        }
        if (h, w) != to { g = resized(g, from: (h, w), to: to) }
        return fallback && !g.contains(where: { $0 > 0 }) ? down : g
    }

    enum Operation { case conv, pool }

    /// The network's operations from the input up to and including the one producing `layer`.
    static func operations(upTo layer: VGG19Layer) -> [Operation] {
        var ops: [Operation] = []
        let convs = VGG19Architecture.convs
        for (i, c) in convs.enumerated() {
            ops.append(.conv)
            if i + 1 == convs.count || convs[i + 1].block != c.block { ops.append(.pool) }
        }
        return Array(ops.prefix(layer.operationIndex + 1))
    }

    /// The minimum over each pixel's 3x3 neighbourhood inside the image (separable).
    static func minimum3x3(_ g: [Float], h: Int, w: Int) -> [Float] {
        var rows = g
        for y in 0..<h {
            for x in 0..<w {
                var m = g[y * w + x]
                if x > 0 { m = min(m, g[y * w + x - 1]) }
                if x + 1 < w { m = min(m, g[y * w + x + 1]) }
                rows[y * w + x] = m
            }
        }
        var out = rows
        for y in 0..<h {
            for x in 0..<w {
                var m = rows[y * w + x]
                if y > 0 { m = min(m, rows[(y - 1) * w + x]) }
                if y + 1 < h { m = min(m, rows[(y + 1) * w + x]) }
                out[y * w + x] = m
            }
        }
        return out
    }

    /// 2x2 stride-2 minimum (the output is `h/2 × w/2`, at least 1: a last odd row or column
    /// joins the window before it).
    static func minimumPool(_ g: [Float], h: Int, w: Int) -> ([Float], Int, Int) {
        let oh = max(1, h / 2), ow = max(1, w / 2)
        var out = [Float](repeating: 0, count: oh * ow)
        for y in 0..<oh {
            let ys = (2 * y)..<min(h, y + 1 == oh ? h : 2 * y + 2)
            for x in 0..<ow {
                let xs = (2 * x)..<min(w, x + 1 == ow ? w : 2 * x + 2)
                var m = Float.infinity
                for r in ys { for c in xs { m = min(m, g[r * w + c]) } }
                out[y * ow + x] = m
            }
        }
        return (out, oh, ow)
    }
}

@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// A deliberately simple VGG19 prefix in plain Swift (Double precision, direct loops), the
/// independent reference for the oneDNN network. Layout: `[C][H][W]`, Caffe BGR input.
struct NaiveVGG {
    let weights: VGG19Weights
    let pooling: PoolingMode

    /// Everything the backward pass needs from one forward pass.
    struct Trace {
        /// Input of each operation, then the final output.
        var values: [[Double]] = []
        var shapes: [(c: Int, h: Int, w: Int)] = []
    }

    /// The operation sequence up to `opCount`: `.conv(i)` (with ReLU) or `.pool`.
    enum Op { case conv(Int), pool }

    static func ops(count: Int) -> [Op] {
        var result: [Op] = []
        var block = 1, conv = 0
        while result.count < count {
            if conv < VGG19Architecture.convs.count, VGG19Architecture.convs[conv].block == block {
                result.append(.conv(conv)); conv += 1
            } else {
                result.append(.pool); block += 1
            }
        }
        return result
    }

    /// RGB 0…255 → Caffe BGR minus mean.
    static func preprocess(_ rgb: [Float], h: Int, w: Int) -> [Double] {
        var out = [Double](repeating: 0, count: 3 * h * w)
        let mean = [103.939, 116.779, 123.68]
        for c in 0..<3 { for i in 0..<(h * w) { out[c * h * w + i] = Double(rgb[(2 - c) * h * w + i]) - mean[c] } }
        return out
    }

    func forward(_ x: [Double], h: Int, w: Int, ops: [Op]) -> Trace {
        var t = Trace()
        var cur = x, shape = (c: 3, h: h, w: w)
        for op in ops {
            t.values.append(cur); t.shapes.append(shape)
            switch op {
            case .conv(let i):
                cur = conv(cur, shape, i).map { max($0, 0) }
                shape.c = VGG19Architecture.convs[i].outChannels
            case .pool:
                cur = pool(cur, shape)
                shape = (shape.c, shape.h / 2, shape.w / 2)
            }
        }
        t.values.append(cur); t.shapes.append(shape)
        return t
    }

    func conv(_ x: [Double], _ s: (c: Int, h: Int, w: Int), _ i: Int) -> [Double] {
        let cw = weights.convs[i], oc = cw.bias.count
        var y = [Double](repeating: 0, count: oc * s.h * s.w)
        for o in 0..<oc { for yy in 0..<s.h { for xx in 0..<s.w {
            var acc = Double(cw.bias[o])
            for c in 0..<s.c { for ky in 0..<3 { for kx in 0..<3 {
                let iy = yy + ky - 1, ix = xx + kx - 1
                guard iy >= 0, iy < s.h, ix >= 0, ix < s.w else { continue }
                acc += Double(cw.weights.data[((o * s.c + c) * 3 + ky) * 3 + kx]) * x[(c * s.h + iy) * s.w + ix]
            } } }
            y[(o * s.h + yy) * s.w + xx] = acc
        } } }
        return y
    }

    func pool(_ x: [Double], _ s: (c: Int, h: Int, w: Int)) -> [Double] {
        let oh = s.h / 2, ow = s.w / 2
        var y = [Double](repeating: 0, count: s.c * oh * ow)
        for c in 0..<s.c { for i in 0..<oh { for j in 0..<ow {
            let v = [x[(c * s.h + 2 * i) * s.w + 2 * j], x[(c * s.h + 2 * i) * s.w + 2 * j + 1],
                     x[(c * s.h + 2 * i + 1) * s.w + 2 * j], x[(c * s.h + 2 * i + 1) * s.w + 2 * j + 1]]
            y[(c * oh + i) * ow + j] = pooling == .max ? (v.max() ?? 0) : v.reduce(0, +) / 4
        } } }
        return y
    }

    /// dL/d(input) given dL/d(output of each op) (`gradients[k]`, nil = none).
    func backward(_ t: Trace, ops: [Op], gradients: [Int: [Double]]) -> [Double] {
        var g = gradients[ops.count - 1] ?? [Double](repeating: 0, count: t.values[ops.count].count)
        for k in stride(from: ops.count - 1, through: 0, by: -1) {
            if k < ops.count - 1, let extra = gradients[k] { for i in g.indices { g[i] += extra[i] } }
            let x = t.values[k], s = t.shapes[k], out = t.values[k + 1]
            switch ops[k] {
            case .conv(let ci):
                for i in g.indices where out[i] <= 0 { g[i] = 0 }
                let cw = weights.convs[ci], oc = cw.bias.count
                var gx = [Double](repeating: 0, count: x.count)
                for o in 0..<oc { for yy in 0..<s.h { for xx in 0..<s.w {
                    let go = g[(o * s.h + yy) * s.w + xx]
                    if go == 0 { continue }
                    for c in 0..<s.c { for ky in 0..<3 { for kx in 0..<3 {
                        let iy = yy + ky - 1, ix = xx + kx - 1
                        guard iy >= 0, iy < s.h, ix >= 0, ix < s.w else { continue }
                        gx[(c * s.h + iy) * s.w + ix] += Double(cw.weights.data[((o * s.c + c) * 3 + ky) * 3 + kx]) * go
                    } } }
                } } }
                g = gx
            case .pool:
                let oh = s.h / 2, ow = s.w / 2
                var gx = [Double](repeating: 0, count: x.count)
                for c in 0..<s.c { for i in 0..<oh { for j in 0..<ow {
                    let go = g[(c * oh + i) * ow + j]
                    let idx = [(c * s.h + 2 * i) * s.w + 2 * j, (c * s.h + 2 * i) * s.w + 2 * j + 1,
                               (c * s.h + 2 * i + 1) * s.w + 2 * j, (c * s.h + 2 * i + 1) * s.w + 2 * j + 1]
                    if pooling == .max {
                        var best = idx[0]
                        for q in idx where x[q] > x[best] { best = q }
                        gx[best] += go
                    } else {
                        for q in idx { gx[q] += go / 4 }
                    }
                } } }
                g = gx
            }
        }
        // Back from Caffe BGR to RGB.
        let hw = t.shapes[0].h * t.shapes[0].w
        var rgb = [Double](repeating: 0, count: g.count)
        for c in 0..<3 { for i in 0..<hw { rgb[c * hw + i] = g[(2 - c) * hw + i] } }
        return rgb
    }
}

/// VGG19 weights with random values (He-scaled) for engine tests that need no file.
func randomVGG19Weights(seed: UInt64) -> VGG19Weights {
    var rng = TestRNG(seed: seed)
    let convs = VGG19Architecture.convs.map { c -> ConvWeights in
        let n = c.outChannels * c.inChannels * 9
        let scale = (2.0 / Float(c.inChannels * 9)).squareRoot() * 1.7
        let w = (0..<n).map { _ in rng.uniformFloat(-scale, scale) }
        let b = (0..<c.outChannels).map { _ in rng.uniformFloat(-0.1, 0.1) }
        return ConvWeights(weights: Tensor(shape: [c.outChannels, c.inChannels, 3, 3], data: w), bias: b)
    }
    return VGG19Weights(convs: convs, source: "random(seed: \(seed))")
}

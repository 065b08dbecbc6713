import PincelCore
import PincelWeights
import PincelImaging

/// Colour conversions on planar images `[3, H, W]` (RGB, 0…255) for colour preservation.
public enum ColorSpace {
    /// BT.601 luma: `Y = 0.299 R + 0.587 G + 0.114 B`, `[1, H, W]`.
    public static func luminance(_ rgb: Tensor) -> Tensor {
        let hw = rgb.count / 3
        var y = [Float](repeating: 0, count: hw)
        for i in 0..<hw { y[i] = 0.299 * rgb.data[i] + 0.587 * rgb.data[hw + i] + 0.114 * rgb.data[2 * hw + i] }
        return Tensor(shape: [1] + rgb.shape.dropFirst(), data: y)
    }

    /// RGB → YUV (BT.601, no offsets), `[3, H, W]` → `[3, H, W]`.
    public static func yuv(fromRGB rgb: Tensor) -> Tensor {
        let hw = rgb.count / 3
        var out = rgb
        for i in 0..<hw {
            let r = rgb.data[i], g = rgb.data[hw + i], b = rgb.data[2 * hw + i]
            out.data[i] = 0.299 * r + 0.587 * g + 0.114 * b
            out.data[hw + i] = -0.14713 * r - 0.28886 * g + 0.436 * b
            out.data[2 * hw + i] = 0.615 * r - 0.51499 * g - 0.10001 * b
        }
        return out
    }

    /// YUV → RGB, the inverse of ``yuv(fromRGB:)``.
    public static func rgb(fromYUV yuv: Tensor) -> Tensor {
        let hw = yuv.count / 3
        var out = yuv
        for i in 0..<hw {
            let y = yuv.data[i], u = yuv.data[hw + i], v = yuv.data[2 * hw + i]
            out.data[i] = y + 1.13983 * v
            out.data[hw + i] = y - 0.39465 * u - 0.58060 * v
            out.data[2 * hw + i] = y + 2.03211 * u
        }
        return out
    }

    /// The luminance of `luma` (`[1, H, W]`) combined with the chroma of `chromaSource`
    /// (`[3, H, W]` RGB of the same size); result RGB `[3, H, W]`.
    public static func combine(luminance luma: Tensor, chromaOf chromaSource: Tensor) -> Tensor {
        var yuv = yuv(fromRGB: chromaSource)
        for i in 0..<luma.count { yuv.data[i] = luma.data[i] }
        return rgb(fromYUV: yuv)
    }

    /// `x` shifted and scaled so its mean and standard deviation equal `reference`'s.
    public static func matchMeanAndSpread(_ x: Tensor, to reference: Tensor) -> Tensor {
        func stats(_ t: Tensor) -> (Double, Double) {
            let n = Double(t.count)
            let mean = t.data.reduce(0.0) { $0 + Double($1) } / n
            let variance = t.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
            return (mean, variance.squareRoot())
        }
        let (ms, ss) = stats(x), (mr, sr) = stats(reference)
        let scale = sr / max(ss, 1e-6)
        return Tensor(shape: x.shape, data: x.data.map { Float((Double($0) - ms) * scale + mr) })
    }

    /// The colours of `source` (`[3, h, w]`) transformed so their mean and covariance equal
    /// `reference`'s: `x' = Σr^½ Σs^-½ (x − μs) + μr` (Gatys et al. 2016, "colour
    /// histogram matching", image-analogies variant). Values are clamped to 0…255.
    public static func matchColors(_ source: Tensor, to reference: Tensor) -> Tensor {
        let (ms, cs) = meanAndCovariance(source), (mr, cr) = meanAndCovariance(reference)
        let a = multiply(Symmetric3.power(cr, 0.5), Symmetric3.power(cs, -0.5))
        let hw = source.count / 3
        var out = source
        for i in 0..<hw {
            let d = [Double(source.data[i]) - ms[0], Double(source.data[hw + i]) - ms[1], Double(source.data[2 * hw + i]) - ms[2]]
            for c in 0..<3 {
                let v = a[c * 3] * d[0] + a[c * 3 + 1] * d[1] + a[c * 3 + 2] * d[2] + mr[c]
                out.data[c * hw + i] = Float(min(max(v, 0), 255))
            }
        }
        return out
    }

    static func meanAndCovariance(_ t: Tensor) -> ([Double], [Double]) {
        let hw = t.count / 3, n = Double(hw)
        var mean = [0.0, 0.0, 0.0]
        for c in 0..<3 { for i in 0..<hw { mean[c] += Double(t.data[c * hw + i]) }; mean[c] /= n }
        var cov = [Double](repeating: 0, count: 9)
        for i in 0..<hw {
            let d = (0..<3).map { Double(t.data[$0 * hw + i]) - mean[$0] }
            for r in 0..<3 { for c in 0..<3 { cov[r * 3 + c] += d[r] * d[c] } }
        }
        return (mean, cov.map { $0 / n })
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { for k in 0..<3 { out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c] } } }
        return out
    }
}

/// Powers of symmetric positive semi-definite 3x3 matrices by Jacobi eigendecomposition.
enum Symmetric3 {
    /// `m^p` for a symmetric 3x3 `m` (row-major); eigenvalues are floored at a small
    /// epsilon so negative powers of near-singular covariances stay finite.
    static func power(_ m: [Double], _ p: Double) -> [Double] {
        var a = m
        var v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        for _ in 0..<50 {
            var off = 0.0
            for (i, j) in [(0, 1), (0, 2), (1, 2)] { off += a[i * 3 + j] * a[i * 3 + j] }
            if off < 1e-22 { break }
            for (pI, qI) in [(0, 1), (0, 2), (1, 2)] {
                let apq = a[pI * 3 + qI]
                if abs(apq) < 1e-30 { continue }
                let theta = (a[qI * 3 + qI] - a[pI * 3 + pI]) / (2 * apq)
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {  // A = Jᵀ A J
                    let akp = a[k * 3 + pI], akq = a[k * 3 + qI]
                    a[k * 3 + pI] = c * akp - s * akq
                    a[k * 3 + qI] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[pI * 3 + k], aqk = a[qI * 3 + k]
                    a[pI * 3 + k] = c * apk - s * aqk
                    a[qI * 3 + k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k * 3 + pI], vkq = v[k * 3 + qI]
                    v[k * 3 + pI] = c * vkp - s * vkq
                    v[k * 3 + qI] = s * vkp + c * vkq
                }
            }
        }
        let lambda = (0..<3).map { pow(max(a[$0 * 4], 1e-6), p) }
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { for k in 0..<3 { out[r * 3 + c] += v[r * 3 + k] * lambda[k] * v[c * 3 + k] } } }
        return out
    }
}

import Foundation

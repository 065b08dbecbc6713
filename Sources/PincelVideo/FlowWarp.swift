import Pincel
import PincelCore
import PincelImaging

/// Backward warping by a dense flow, with bilinear sampling.
enum FlowWarp {
    /// `out[c, p] = image[c, p + flow(p)]`, sampled bilinearly; `valid[p]` is 1 where the
    /// sample point lies inside the image (all four neighbours, or on the exact pixel), else 0
    /// and `out` holds `fallback`'s value there (or 0 without one).
    ///
    /// To bring frame t−1 onto frame t, pass the flow from t to t−1 (for each pixel of frame
    /// t, where it was in frame t−1). A whole-pixel flow copies pixels exactly.
    ///
    /// - Parameters:
    ///   - image: `[channels, H, W]` flattened.
    ///   - fallback: the same shape, used where the sample point is outside (`nil`: 0).
    static func warp(_ image: [Float], channels: Int, flow: FlowField,
                     fallback: [Float]? = nil) -> (image: [Float], valid: [Float]) {
        let (h, w) = (flow.height, flow.width)
        let hw = h * w
        var out = [Float](repeating: 0, count: channels * hw)
        var valid = [Float](repeating: 0, count: hw)
        guard image.count == channels * hw else { return (out, valid) }
        for y in 0..<h {
            for x in 0..<w {
                let p = y * w + x
                let sx = Float(x) + flow.dx[p], sy = Float(y) + flow.dy[p]
                guard sx.isFinite, sy.isFinite, sx >= 0, sy >= 0, sx <= Float(w - 1), sy <= Float(h - 1) else {
                    if let fallback, fallback.count == out.count {
                        for c in 0..<channels { out[c * hw + p] = fallback[c * hw + p] }
                    }
                    continue
                }
                let x0 = min(Int(sx), w - 1), y0 = min(Int(sy), h - 1)
                let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
                let fx = sx - Float(x0), fy = sy - Float(y0)
                let w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy
                for c in 0..<channels {
                    let base = c * hw
                    out[base + p] = w00 * image[base + y0 * w + x0] + w01 * image[base + y0 * w + x1]
                        + w10 * image[base + y1 * w + x0] + w11 * image[base + y1 * w + x1]
                }
                valid[p] = 1
            }
        }
        return (out, valid)
    }

    /// `a` composed with `b`'s values sampled along `a`: `c(p) = b(p + a(p))`, bilinear; the
    /// forward–backward check compares `a(p) + c(p)` with zero. Outside samples give 0.
    static func sample(_ field: FlowField, along flow: FlowField) -> FlowField {
        let planes = warp(field.dx + field.dy, channels: 2, flow: flow).image
        let hw = field.width * field.height
        var out = FlowField(width: field.width, height: field.height)
        out.dx = Array(planes[0..<hw])
        out.dy = Array(planes[hw..<(2 * hw)])
        return out
    }
}

import Pincel
import PincelCore
import PincelImaging

/// Which pixels of frame t can trust the warped frame t−1 (Ruder, Dosovitskiy & Brox 2016,
/// section 3.1): weight 0 where the backward flow leaves the image, where the forward and
/// backward flows disagree (disocclusions), and at motion boundaries; 1 elsewhere.
enum Reliability {
    /// Per-pixel weights `c ∈ {0, 1}` of frame t.
    ///
    /// - Parameters:
    ///   - backward: the flow from frame t to frame t−1 (`w` in the paper's check).
    ///   - forward: the flow from frame t−1 to frame t.
    /// - Returns: `height · width` weights, row by row.
    static func weights(backward: FlowField, forward: FlowField) -> [Float] {
        let (h, w) = (backward.height, backward.width)
        guard forward.width == w, forward.height == h else { return [Float](repeating: 0, count: w * h) }
        // The forward flow at the point each pixel of frame t came from.
        let (planes, inside) = FlowWarp.warp(forward.dx + forward.dy, channels: 2, flow: backward)
        let hw = w * h
        var c = [Float](repeating: 0, count: hw)
        for y in 0..<h {
            for x in 0..<w {
                let p = y * w + x
                guard inside[p] > 0 else { continue }
                let bx = backward.dx[p], by = backward.dy[p]
                let fx = planes[p], fy = planes[hw + p]
                // Disocclusion: going back and forth should return to the start.
                let sumX = fx + bx, sumY = fy + by
                let inconsistent = sumX * sumX + sumY * sumY > 0.01 * (fx * fx + fy * fy + bx * bx + by * by) + 0.5
                // Motion boundary: a steep change of the backward flow.
                let xl = max(x - 1, 0), xr = min(x + 1, w - 1), yu = max(y - 1, 0), yd = min(y + 1, h - 1)
                let sx = Float(max(xr - xl, 1)), sy = Float(max(yd - yu, 1))
                let dux = (backward.dx[y * w + xr] - backward.dx[y * w + xl]) / sx
                let duy = (backward.dx[yd * w + x] - backward.dx[yu * w + x]) / sy
                let dvx = (backward.dy[y * w + xr] - backward.dy[y * w + xl]) / sx
                let dvy = (backward.dy[yd * w + x] - backward.dy[yu * w + x]) / sy
                let boundary = dux * dux + duy * duy + dvx * dvx + dvy * dvy > 0.01 * (bx * bx + by * by) + 0.002
                c[p] = (inconsistent || boundary) ? 0 : 1
            }
        }
        return c
    }
}

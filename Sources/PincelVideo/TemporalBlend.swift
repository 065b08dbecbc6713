import Pincel
import PincelCore
import PincelImaging

/// The instant video's tie between frames: the network's picture of frame t mixed with the
/// previous output warped onto frame t, where the flow is reliable.
///
/// `out_t = net_t + α · c · (warp(out_{t−1}) − net_t)`, that is
/// `c · (α · warp(out_{t−1}) + (1 − α) · net_t) + (1 − c) · net_t`, with `c` the reliability
/// weights of the temporal loss (``Reliability``: forward–backward consistency, motion
/// boundaries, flow leaving the frame) and `warp` the same backward bilinear warp
/// (``FlowWarp``). Along a motion path that stays reliable the output is an exponential moving
/// average of the network's pictures (weight `(1 − α) · α^k` for the picture `k` frames back),
/// so the texture the network redraws slightly differently every frame settles; where the flow
/// is not trusted (disocclusions, new content entering, motion boundaries) the output is the
/// network's picture alone, so nothing is dragged along where the flow cannot say where it went.
enum TemporalBlend {
    /// Frame t's output and the share of its pixels that took the previous output.
    ///
    /// - Parameters:
    ///   - picture: the network's picture of frame t, `[3, H, W]`, 0…255.
    ///   - previous: the output of frame t−1, the same shape.
    ///   - backward: the flow from frame t's photo to frame t−1's.
    ///   - forward: the flow from frame t−1's photo to frame t's.
    ///   - amount: `α`, 0…1 (0: the picture unchanged).
    /// - Returns: the output (not rounded) and the mean of `c`.
    static func blend(_ picture: Tensor, previous: Tensor, backward: FlowField, forward: FlowField,
                      amount: Float) -> (image: Tensor, reliable: Double) {
        let c = Reliability.weights(backward: backward, forward: forward)
        let hw = c.count
        let reliable = Double(c.reduce(0, +)) / Double(max(1, hw))
        guard amount > 0, picture.shape == previous.shape, picture.data.count == 3 * hw else { return (picture, reliable) }
        let warped = FlowWarp.warp(previous.data, channels: 3, flow: backward, fallback: picture.data).image
        var out = picture
        for ch in 0..<3 {
            let base = ch * hw
            for p in 0..<hw where c[p] > 0 {
                let k = base + p
                out.data[k] += amount * c[p] * (warped[k] - picture.data[k])
            }
        }
        return (out, reliable)
    }
}

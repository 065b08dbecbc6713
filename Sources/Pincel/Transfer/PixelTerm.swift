import PincelCore
import PincelWeights
import PincelImaging

/// An extra term of the objective on the optimised image's pixels (not on the network's
/// features), for example the temporal loss of a video (``TemporalLoss``). It sees the
/// variable exactly as the optimiser does: `[C, H, W]`, `C` = 3, or 1 in luminance mode.
package protocol PixelTerm {
    /// Adds the term's gradient into `gradient` and returns its value (already weighted).
    func evaluate(image: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws -> Float
}

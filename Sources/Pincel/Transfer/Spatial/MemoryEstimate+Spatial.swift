import PincelCore
import PincelWeights
import PincelImaging

extension MemoryEstimate {
    /// Bytes that spatial control adds to a run of `pixels` result pixels (``SpatialControl``),
    /// on top of ``total``: per style mask, the mask as loaded and at the current scale and its
    /// compact guides at every style layer (about 20 bytes a pixel); for the change mask, the
    /// feathered mask, its distance map, its per-channel copy and the composite and gradient
    /// buffers (about 44 bytes a pixel); and the guided products' fixed scratch (32 MiB).
    public static func spatialBytes(pixels: Int, styleMasks: Int, changeMask: Bool) -> Int {
        guard styleMasks > 0 || changeMask else { return 0 }
        let perPixel = 20 * max(0, styleMasks) + (changeMask ? 44 : 0)
        return perPixel * max(0, pixels) + (styleMasks > 0 ? 32 << 20 : 0)
    }
}

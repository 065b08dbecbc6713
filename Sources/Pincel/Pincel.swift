// The umbrella: `import Pincel` brings the pipeline and the layers below it that a library
// user needs (tensors, losses and optimisers; weights; images).
@_exported import PincelCore
@_exported import PincelWeights
@_exported import PincelImaging

/// Pincel: neural style transfer (Gatys, Ecker & Bethge 2015) on oneDNN and libvips.
public enum PincelInfo {
    /// The library's version.
    public static let version = "0.1.0"
}

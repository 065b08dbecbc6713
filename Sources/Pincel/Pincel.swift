/// Pincel: neural style transfer (Gatys, Ecker & Bethge 2015) on oneDNN and libvips.
public enum PincelInfo {
    /// The library's version.
    public static let version = "0.1.0"
}

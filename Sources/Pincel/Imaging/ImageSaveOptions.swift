/// How `ImageIO.save` encodes an image. The format comes from the file extension.
public struct ImageSaveOptions: Sendable, Equatable {
    /// 8 or 16 bits per channel; 16 is for PNG and TIFF only (0…255 is scaled to 0…65535).
    public var bitDepth: Int
    /// JPEG / WebP quality, 1…100 (ignored by PNG and TIFF).
    public var quality: Int
    /// Text metadata written as PNG text chunks (libpng writes zTXt; PNG only, ignored by
    /// other formats). Keys: 1…79 printable ASCII characters without spaces.
    public var text: [String: String]
    /// Embed libvips's built-in sRGB ICC profile.
    public var embedSRGBProfile: Bool

    /// Options for ``ImageIO/save(_:to:options:)``; checked when saving
    /// (``ImageIO/checkSaveOptions(_:path:)`` checks them earlier).
    public init(bitDepth: Int = 8, quality: Int = 92, text: [String: String] = [:], embedSRGBProfile: Bool = true) {
        self.bitDepth = bitDepth
        self.quality = quality
        self.text = text
        self.embedSRGBProfile = embedSRGBProfile
    }
}

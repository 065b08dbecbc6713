import PincelCore

/// How `ImageIO.save` encodes an image. The format comes from the file extension.
public struct ImageSaveOptions: Sendable, Equatable {
    /// 8 or 16 bits per channel; 16 is for PNG and TIFF only (0…255 is scaled to 0…65535).
    public var bitDepth: Int
    /// JPEG / WebP quality, 1…100 (ignored by PNG and TIFF).
    public var quality: Int
    /// Text metadata: PNG text chunks (libpng writes zTXt), or for JPEG, WebP and TIFF an XMP
    /// packet with one element of Pincel's namespace per key (values shortened to keep it under
    /// 60 KB; control characters other than tab and newlines become U+FFFD). Read back by
    /// ``ImageIO/textMetadata(_:)``. Keys: 1…79 printable ASCII characters without spaces; for
    /// XMP a letter or `_` first, then letters, digits, `-`, `_` and `.`.
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

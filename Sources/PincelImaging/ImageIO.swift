import PincelCore

/// Image input and output through libvips.
///
/// Loaded images are `Tensor`s of shape `[3, H, W]`: planar RGB, float32, sRGB values 0…255,
/// EXIF orientation applied and alpha flattened onto white. Only JPEG, PNG, WebP, TIFF and
/// GIF (first frame) files are read.
public enum ImageIO {
    /// Default limit on `width * height` of an input image (100 megapixels).
    public static let defaultMaxPixels = 100_000_000

    /// libvips loader nicknames accepted as input (files are read through libvips sources,
    /// so the loaders are the `_source` variants).
    static let allowedLoaders: Set<String> = ["jpegload", "pngload", "webpload", "tiffload", "gifload"]

    /// The format name of a libvips loader nickname: `pngload_source` -> `pngload`.
    static func loaderFormat(_ nickname: String) -> String {
        nickname.hasSuffix("_source") ? String(nickname.dropLast("_source".count)) : nickname
    }
}

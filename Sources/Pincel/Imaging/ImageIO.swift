/// Image input and output through libvips.
///
/// Loaded images are `Tensor`s of shape `[3, H, W]`: planar RGB, float32, sRGB values 0…255,
/// EXIF orientation applied and alpha flattened onto white. Only JPEG, PNG, WebP, TIFF and
/// GIF (first frame) files are read.
public enum ImageIO {
    /// Default limit on `width * height` of an input image (100 megapixels).
    public static let defaultMaxPixels = 100_000_000

    /// libvips loader nicknames accepted as input.
    static let allowedLoaders: Set<String> = ["jpegload", "pngload", "webpload", "tiffload", "gifload"]
}

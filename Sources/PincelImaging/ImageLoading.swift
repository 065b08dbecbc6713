import PincelCore
internal import CVips
internal import CVipsShim
import Foundation

extension ImageIO {
    /// Loads an image file as a `[3, H, W]` float tensor of sRGB values 0…255.
    ///
    /// EXIF orientation is applied, any colour space is converted to 8-bit sRGB (embedded ICC
    /// profile when present) and alpha is flattened onto white.
    /// - Parameters:
    ///   - path: a JPEG, PNG, WebP, TIFF or GIF file.
    ///   - maxPixels: images whose header declares more pixels are refused before decoding.
    /// - Throws: `ImageError`.
    public static func load(_ path: String, maxPixels: Int = defaultMaxPixels) throws -> Tensor {
        let image = try openSRGB(path, maxPixels: maxPixels)
        return try VipsTensorConversion.makeTensor(image, clampTo255: true, path: path)
    }

    /// Loads an image file and resizes it with Lanczos3 so its longer side is `longerSide`
    /// pixels (up or down), keeping the aspect ratio. Returns `[3, H, W]`, values 0…255.
    /// - Throws: `ImageError`.
    public static func load(_ path: String, longerSide: Int, maxPixels: Int = defaultMaxPixels) throws -> Tensor {
        let image = try openSRGB(path, maxPixels: maxPixels)
        let size = try ImageIO.size(width: image.width, height: image.height, longerSide: longerSide)
        let floats = try image.apply("cast") { pincel_cast($0, $1, VIPS_FORMAT_FLOAT) }
        let resized = try resizeImage(floats, width: size.width, height: size.height)
        return try VipsTensorConversion.makeTensor(resized, clampTo255: true, path: path)
    }

    /// Loads an image file resized with Lanczos3 to exactly `width` x `height` (the aspect ratio
    /// may change). The pixels stream through libvips's resize, so a large file is never held
    /// in memory at full resolution. Returns `[3, height, width]`, values 0…255.
    /// - Throws: `ImageError`.
    public static func load(_ path: String, width: Int, height: Int, maxPixels: Int = defaultMaxPixels) throws -> Tensor {
        guard width >= 1, height >= 1 else { throw ImageError.invalidSize(width: width, height: height) }
        let image = try openSRGB(path, maxPixels: maxPixels)
        let floats = try image.apply("cast") { pincel_cast($0, $1, VIPS_FORMAT_FLOAT) }
        let resized = try resizeImage(floats, width: width, height: height)
        return try VipsTensorConversion.makeTensor(resized, clampTo255: true, path: path)
    }

    /// Width and height of the image as it will be loaded (after EXIF orientation), read from
    /// the header only. - Throws: `ImageError`.
    public static func imageInfo(_ path: String) throws -> (width: Int, height: Int) {
        let opened = try openChecked(path, maxPixels: Int.max, sequential: false)
        let swap = opened.orientation >= 5
        return swap ? (opened.image.height, opened.image.width) : (opened.image.width, opened.image.height)
    }

    // MARK: - Internals

    /// Opens a file lazily after checking what the path is (`checkInputFile`), the loader and the pixel count.
    static func openChecked(_ path: String, maxPixels: Int, sequential: Bool) throws
        -> (image: VipsImageRef, orientation: Int) {
        try checkInputFile(path)
        try Vips.start()
        Vips.takeLastWarning()  // A warning from an earlier image must not explain this one's failure.
        guard let nickname = pincel_find_loader_nickname(path).map({ loaderFormat(String(cString: $0)) }) else {
            _ = Vips.takeErrorMessage()
            throw ImageError.unsupportedFormat(path: path, format: nil)
        }
        guard allowedLoaders.contains(nickname) else {
            throw ImageError.unsupportedFormat(path: path, format: nickname)
        }
        let header: VipsImageRef
        do { header = try open(path, sequential: false) } catch {
            // libpng refuses oversized headers with no size in its message: give the size.
            if let (width, height) = PNGHeader.size(path) {
                let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
                if overflow || pixels > maxPixels {
                    throw ImageError.tooLarge(path: path, width: width, height: height, maxPixels: maxPixels)
                }
                if max(width, height) > PNGHeader.maxSide {
                    throw ImageError.decodeFailed(path: path, message: "\(width)x\(height) pixels; the PNG decoder accepts at most \(PNGHeader.maxSide) pixels per side")
                }
            }
            throw error
        }
        try checkLoader(header, path: path)
        let (width, height) = (header.width, header.height)
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels {
            throw ImageError.tooLarge(path: path, width: width, height: height, maxPixels: maxPixels)
        }
        let orientation = Int(pincel_orientation(header.pointer))
        // Rotation needs random access; otherwise stream the pixels sequentially.
        if sequential && orientation == 1 {
            let streamed = try open(path, sequential: true)
            try checkLoader(streamed, path: path)
            return (streamed, orientation)
        }
        return (header, orientation)
    }

    private static func open(_ path: String, sequential: Bool) throws -> VipsImageRef {
        guard let raw = pincel_open(path, sequential ? 1 : 0) else {
            throw ImageError.decodeFailed(path: path, message: Vips.takeErrorMessage())
        }
        return VipsImageRef(raw)
    }

    private static func checkLoader(_ image: VipsImageRef, path: String) throws {
        var loader: UnsafePointer<CChar>?
        guard vips_image_get_string(image.pointer, "vips-loader", &loader) == 0, let loader else {
            _ = Vips.takeErrorMessage()
            throw ImageError.unsupportedFormat(path: path, format: nil)
        }
        let name = loaderFormat(String(cString: loader))
        guard allowedLoaders.contains(name) else {
            throw ImageError.unsupportedFormat(path: path, format: name)
        }
    }

    /// Opens a file and returns it upright as 3-band sRGB with alpha flattened onto white:
    /// uchar for 8-bit sources, float 0…255 (16-bit precision) for deeper ones.
    static func openSRGB(_ path: String, maxPixels: Int) throws -> VipsImageRef {
        let (opened, orientation) = try openChecked(path, maxPixels: maxPixels, sequential: true)
        var image = opened
        if orientation != 1 {
            image = try image.apply("autorot") { pincel_autorot($0, $1) }
        }
        let deep = image.format != VIPS_FORMAT_UCHAR && image.format != VIPS_FORMAT_CHAR
        let storage = deep ? VIPS_FORMAT_USHORT : VIPS_FORMAT_UCHAR
        let maxValue: Double = deep ? 65535 : 255
        image = try toSRGB(image, deep: deep)
        if image.format != storage {
            image = try image.apply("cast") { pincel_cast($0, $1, storage) }
        }
        if image.bands >= 4 {
            if image.bands > 4 {
                image = try image.apply("extract_band") { pincel_extract_bands($0, $1, 0, 4) }
            }
            image = try image.apply("flatten") { pincel_flatten_white($0, $1, maxValue) }
            image = try image.apply("cast") { pincel_cast($0, $1, storage) }
        }
        guard image.bands == 3 else {
            throw ImageError.decodeFailed(path: path, message: "converted to \(image.bands) bands instead of 3")
        }
        if deep {
            image = try image.apply("linear") { pincel_linear1($0, $1, 1.0 / 257.0, 0) }
        }
        return image
    }

    /// Converts to sRGB (`deep`: RGB16): embedded ICC profile first (skipped when it is
    /// libvips's own sRGB profile), built-in CMYK profile for bare CMYK, else libvips's
    /// colourspace conversion.
    private static func toSRGB(_ image: VipsImageRef, deep: Bool) throws -> VipsImageRef {
        let target = deep ? VIPS_INTERPRETATION_RGB16 : VIPS_INTERPRETATION_sRGB
        let depth: Int32 = deep ? 16 : 8
        if pincel_has_icc(image.pointer) != 0 && !Vips.hasBuiltinSRGBProfile(image) {
            if let converted = try? image.apply("icc_transform", { pincel_icc_to_srgb($0, $1, nil, depth) }) {
                return converted
            }
            // A broken or mismatched embedded profile: fall through to the generic conversion.
        }
        if image.interpretation == VIPS_INTERPRETATION_CMYK {
            return try image.apply("icc_transform") { pincel_icc_to_srgb($0, $1, "cmyk", depth) }
        }
        if image.interpretation == target { return image }
        return try image.apply("colourspace") { pincel_colourspace($0, $1, target) }
    }
}

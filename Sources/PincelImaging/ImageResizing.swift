import PincelCore
internal import CVips
internal import CVipsShim

extension ImageIO {
    /// Resizes a `[3, H, W]` image with Lanczos3 so its longer side is `longerSide` pixels,
    /// keeping the aspect ratio. Works in float32 (no 8-bit rounding); Lanczos can overshoot,
    /// so values may fall slightly outside 0…255. Returns `[3, H', W']`.
    /// - Throws: `ImageError`.
    public static func resize(_ image: Tensor, longerSide: Int) throws -> Tensor {
        let (height, width) = try VipsTensorConversion.imageSize(image)
        let size = try ImageIO.size(width: width, height: height, longerSide: longerSide)
        return try resize(image, width: size.width, height: size.height)
    }

    /// Resizes a `[3, H, W]` image with Lanczos3 to exactly `[3, height, width]`, in float32.
    /// - Throws: `ImageError`.
    public static func resize(_ image: Tensor, width: Int, height: Int) throws -> Tensor {
        guard width >= 1, height >= 1 else { throw ImageError.invalidSize(width: width, height: height) }
        let (inHeight, inWidth) = try VipsTensorConversion.imageSize(image)
        if inHeight == height && inWidth == width { return image }
        try Vips.start()
        let source = try VipsTensorConversion.makeImage(image, encoding: .float)
        let resized = try resizeImage(source, width: width, height: height)
        return try VipsTensorConversion.makeTensor(resized, clampTo255: false)
    }

    /// The size whose longer side is `longerSide`, keeping the aspect ratio (shorter side ≥ 1).
    package static func size(width: Int, height: Int, longerSide: Int) throws -> (width: Int, height: Int) {
        guard longerSide >= 1 else { throw ImageError.invalidSize(width: longerSide, height: longerSide) }
        guard width >= 1, height >= 1 else { throw ImageError.invalidSize(width: width, height: height) }
        if width >= height {
            let h = (Double(height) * Double(longerSide) / Double(width)).rounded()
            return (longerSide, max(1, Int(h)))
        }
        let w = (Double(width) * Double(longerSide) / Double(height)).rounded()
        return (max(1, Int(w)), longerSide)
    }

    /// Lanczos3 resize of a libvips image to exactly width x height.
    static func resizeImage(_ image: VipsImageRef, width: Int, height: Int) throws -> VipsImageRef {
        if image.width == width && image.height == height { return image }
        let hscale = Double(width) / Double(image.width)
        let vscale = Double(height) / Double(image.height)
        let resized = try image.apply("resize") { pincel_resize($0, $1, hscale, vscale) }
        guard resized.width == width, resized.height == height else {
            throw ImageError.vips(operation: "resize",
                                  message: "asked for \(width)x\(height), got \(resized.width)x\(resized.height)")
        }
        return resized
    }
}

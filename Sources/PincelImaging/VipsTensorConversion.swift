import PincelCore
internal import CVips
internal import CVipsShim

/// The one place where interleaved libvips pixels and planar `[3, H, W]` tensors meet.
enum VipsTensorConversion {
    /// Pixel encodings used when handing a tensor to libvips.
    enum Encoding {
        /// float32, values unchanged.
        case float
        /// uchar, values clamped to 0…255 and rounded.
        case uchar
        /// ushort, values clamped to 0…255, scaled to 0…65535 and rounded.
        case ushort
    }

    /// Validates an image tensor and returns (height, width).
    static func imageSize(_ image: Tensor) throws -> (height: Int, width: Int) {
        guard image.shape.count == 3, image.shape[0] == 3, image.shape[1] >= 1, image.shape[2] >= 1 else {
            throw ImageError.invalidImageShape(shape: image.shape)
        }
        return (image.shape[1], image.shape[2])
    }

    /// A libvips image holding a copy of `image` ([3, H, W] planar) as interleaved RGB.
    static func makeImage(_ image: Tensor, encoding: Encoding) throws -> VipsImageRef {
        let (height, width) = try imageSize(image)
        let plane = height * width
        let src = image.data
        let made: UnsafeMutablePointer<VipsImage>?
        switch encoding {
        case .float:
            var pixels = [Float](repeating: 0, count: plane * 3)
            for i in 0..<plane {
                pixels[3 * i] = src[i]
                pixels[3 * i + 1] = src[plane + i]
                pixels[3 * i + 2] = src[2 * plane + i]
            }
            made = pixels.withUnsafeBytes {
                vips_image_new_from_memory_copy($0.baseAddress, $0.count, Int32(width), Int32(height), 3, VIPS_FORMAT_FLOAT)
            }
        case .uchar:
            var pixels = [UInt8](repeating: 0, count: plane * 3)
            for i in 0..<plane {
                for c in 0..<3 { pixels[3 * i + c] = UInt8(clamped(src[c * plane + i], scale: 1)) }
            }
            made = pixels.withUnsafeBytes {
                vips_image_new_from_memory_copy($0.baseAddress, $0.count, Int32(width), Int32(height), 3, VIPS_FORMAT_UCHAR)
            }
        case .ushort:
            var pixels = [UInt16](repeating: 0, count: plane * 3)
            for i in 0..<plane {
                for c in 0..<3 { pixels[3 * i + c] = UInt16(clamped(src[c * plane + i], scale: 257)) }
            }
            made = pixels.withUnsafeBytes {
                vips_image_new_from_memory_copy($0.baseAddress, $0.count, Int32(width), Int32(height), 3, VIPS_FORMAT_USHORT)
            }
        }
        guard let made else {
            throw ImageError.vips(operation: "new_from_memory", message: Vips.takeErrorMessage())
        }
        let raw = VipsImageRef(made)
        let interpretation = encoding == .ushort ? VIPS_INTERPRETATION_RGB16 : VIPS_INTERPRETATION_sRGB
        return try raw.apply("copy") { pincel_set_interpretation($0, $1, interpretation) }
    }

    /// Clamps a 0…255 value, multiplies by `scale` (1 or 257) and rounds half away from zero.
    @inline(__always)
    private static func clamped(_ value: Float, scale: Float) -> Float {
        let v = value.isNaN ? 0 : min(max(value, 0), 255)
        return (v * scale).rounded(.toNearestOrAwayFromZero)
    }

    /// Decodes a 3-band libvips image into a `[3, H, W]` planar float tensor.
    /// - Parameter clampTo255: clamp values to 0…255 (resampling can overshoot).
    static func makeTensor(_ image: VipsImageRef, clampTo255: Bool, path: String? = nil) throws -> Tensor {
        guard image.bands == 3 else {
            throw ImageError.vips(operation: "to tensor", message: "expected 3 bands, got \(image.bands)")
        }
        let floats = image.format == VIPS_FORMAT_FLOAT
            ? image : try image.apply("cast") { pincel_cast($0, $1, VIPS_FORMAT_FLOAT) }
        let width = floats.width, height = floats.height, plane = width * height
        var size = 0
        guard let buffer = vips_image_write_to_memory(floats.pointer, &size) else {
            let message = Vips.takeErrorMessage()
            if let path { throw ImageError.decodeFailed(path: path, message: message) }
            throw ImageError.vips(operation: "write_to_memory", message: message)
        }
        defer { g_free(buffer) }
        guard size == plane * 3 * MemoryLayout<Float>.size else {
            throw ImageError.vips(operation: "write_to_memory", message: "got \(size) bytes for \(width)x\(height)x3 floats")
        }
        let pixels = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: Float.self), count: plane * 3)
        var data = [Float](repeating: 0, count: plane * 3)
        for i in 0..<plane {
            for c in 0..<3 {
                let v = pixels[3 * i + c]
                data[c * plane + i] = clampTo255 ? min(max(v, 0), 255) : v
            }
        }
        return Tensor(shape: [3, height, width], data: data)
    }
}

import PincelCore
internal import CVips
internal import CVipsShim
import Foundation

extension ImageIO {
    /// Output formats by lowercased file extension.
    enum OutputFormat {
        case png, jpeg, webp, tiff

        init?(path: String) {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "png": self = .png
            case "jpg", "jpeg": self = .jpeg
            case "webp": self = .webp
            case "tif", "tiff": self = .tiff
            default: return nil
            }
        }
    }

    /// Saves a `[3, H, W]` image (values clamped to 0…255 and rounded) as PNG, JPEG, WebP or
    /// TIFF, chosen by the extension of `path`. The file appears atomically: it is written to a
    /// hidden temporary file in the same folder (`OutputCheck.temporaryPath`), flushed to disk
    /// and renamed; on failure nothing is left behind.
    /// - Throws: `ImageError`.
    public static func save(_ image: Tensor, to path: String, options: ImageSaveOptions = .init()) throws {
        guard let format = OutputFormat(path: path) else { throw ImageError.unsupportedOutputFormat(path: path) }
        try validate(options, format: format, path: path)
        _ = try VipsTensorConversion.imageSize(image)
        try Vips.start()

        let encoded = try VipsTensorConversion.makeImage(image, encoding: options.bitDepth == 16 ? .ushort : .uchar)
        if options.embedSRGBProfile {
            guard let profile = Vips.builtinSRGBProfile else {
                throw ImageError.saveFailed(path: path, message: "libvips has no built-in sRGB profile; save with embedSRGBProfile = false")
            }
            profile.withUnsafeBytes { vips_image_set_blob_copy(encoded.pointer, "icc-profile-data", $0.baseAddress, $0.count) }
        }
        if format == .png {
            for (index, key) in options.text.keys.sorted().enumerated() {
                vips_image_set_string(encoded.pointer, "png-comment-\(index)-\(key)", options.text[key] ?? "")
            }
        } else if !options.text.isEmpty {
            // JPEG (APP1), WebP (XMP chunk) and TIFF (XMLPacket tag) carry the text as XMP.
            var packet = Array(XMPText.packet(options.text).utf8)
            packet.withUnsafeMutableBytes { vips_image_set_blob_copy(encoded.pointer, "xmp-data", $0.baseAddress, $0.count) }
        }

        // The temporary file is created here (O_EXCL), so a failure removes only that file.
        let temporary: OwnedTemporaryFile
        do { temporary = try OwnedTemporaryFile(exactly: OutputCheck.temporaryPath(for: path)) } catch let failure as OwnedTemporaryFile.Failure {
            throw ImageError.saveFailed(path: path, message: "cannot create a file in its folder: \(failure.reason)")
        }
        temporary.close()  // libvips opens it by name (truncated: the same file)
        defer { temporary.remove() }  // nothing once it has been renamed into place
        let status: Int32
        switch format {
        case .png: status = pincel_pngsave(encoded.pointer, temporary.path, Int32(options.bitDepth))
        case .jpeg: status = pincel_jpegsave(encoded.pointer, temporary.path, Int32(options.quality))
        case .webp: status = pincel_webpsave(encoded.pointer, temporary.path, Int32(options.quality))
        case .tiff: status = pincel_tiffsave(encoded.pointer, temporary.path)
        }
        try Vips.check(status) { message in
            // libvips names the hidden temporary file; the user knows only `path`.
            ImageError.saveFailed(path: path, message: message.replacingOccurrences(of: temporary.path + ": ", with: "")
                .replacingOccurrences(of: temporary.path, with: path))
        }
        try AtomicRename.commit(temporary.path, to: path)
    }

    /// Checks, without writing anything, that `path`'s extension names a format ``save(_:to:options:)``
    /// writes (.png, .jpg/.jpeg, .webp, .tif/.tiff, any case) and that `options` suit it.
    /// - Throws: ``ImageError/unsupportedOutputFormat(path:)`` or ``ImageError/invalidSaveOption(path:message:)``.
    public static func checkSaveOptions(_ options: ImageSaveOptions, path: String) throws {
        guard let format = OutputFormat(path: path) else { throw ImageError.unsupportedOutputFormat(path: path) }
        try validate(options, format: format, path: path)
    }

    private static func validate(_ options: ImageSaveOptions, format: OutputFormat, path: String) throws {
        switch options.bitDepth {
        case 8: break
        case 16 where format == .png || format == .tiff: break
        case 16: throw ImageError.invalidSaveOption(path: path, message: "16-bit output needs .png or .tif; JPEG and WebP are 8-bit")
        default: throw ImageError.invalidSaveOption(path: path, message: "bit depth \(options.bitDepth) is not 8 or 16")
        }
        guard (1...100).contains(options.quality) else {
            throw ImageError.invalidSaveOption(path: path, message: "quality \(options.quality) is not in 1...100")
        }
        for key in options.text.keys {
            // libvips parses the key with "%80s", so it must not contain white space.
            let printable = key.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
            guard printable, (1...79).contains(key.count) else {
                throw ImageError.invalidSaveOption(path: path, message: "text key '\(key)' must be 1...79 printable ASCII characters without spaces")
            }
            guard format == .png || XMPText.isValidKey(key) else {
                throw ImageError.invalidSaveOption(path: path, message: "text key '\(key)' must start with a letter or _ and hold only letters, digits, -, _ and . in JPEG, WebP and TIFF (XMP)")
            }
        }
    }

    /// The text ``save(_:to:options:)`` stored (``ImageSaveOptions/text``): PNG text chunks
    /// (tEXt / zTXt / iTXt), keyed by keyword, and for JPEG, WebP and TIFF the entries of
    /// Pincel's XMP namespace; empty for files without any. - Throws: `ImageError`.
    public static func textMetadata(_ path: String) throws -> [String: String] {
        let (image, _) = try openChecked(path, maxPixels: Int.max, sequential: false)
        var result = xmpText(image)
        guard let fields = vips_image_get_fields(image.pointer) else { return result }
        defer { g_strfreev(fields) }
        var index = 0
        while let field = fields[index] {
            index += 1
            let name = String(cString: field)
            guard let key = textKey(fromField: name) else { continue }
            var value: UnsafePointer<CChar>?
            if vips_image_get_string(image.pointer, field, &value) == 0, let value {
                result[key] = String(cString: value)
            } else {
                _ = Vips.takeErrorMessage()
            }
        }
        return result
    }

    /// Pincel's entries in the image's XMP packet ("xmp-data"), if any.
    private static func xmpText(_ image: VipsImageRef) -> [String: String] {
        guard vips_image_get_typeof(image.pointer, "xmp-data") != 0 else { return [:] }
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(image.pointer, "xmp-data", &data, &length) == 0, let data, length > 0 else {
            _ = Vips.takeErrorMessage()
            return [:]
        }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        return XMPText.read(String(decoding: bytes, as: UTF8.self))
    }

    /// "png-comment-<n>-<key>" → key.
    private static func textKey(fromField name: String) -> String? {
        let prefix = "png-comment-"
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), rest[..<dash].allSatisfy(\.isNumber), dash != rest.startIndex else {
            return nil
        }
        let key = rest[rest.index(after: dash)...]
        return key.isEmpty ? nil : String(key)
    }
}

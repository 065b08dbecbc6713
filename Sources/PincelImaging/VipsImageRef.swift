import PincelCore
internal import CVips
import Foundation
internal import CVipsShim

/// Owns one libvips image reference; `deinit` drops it. Never leaves the Imaging folder.
final class VipsImageRef {
    let pointer: UnsafeMutablePointer<VipsImage>

    init(_ pointer: UnsafeMutablePointer<VipsImage>) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(pointer))
    }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }
    var format: VipsBandFormat { vips_image_get_format(pointer) }
    var interpretation: VipsInterpretation { vips_image_get_interpretation(pointer) }

    /// Runs a shim operation that writes a new image into `out`, wrapping it or throwing.
    func apply(_ operation: String,
               _ body: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> VipsImageRef {
        var out: UnsafeMutablePointer<VipsImage>?
        let status = body(pointer, &out)
        return try VipsImageRef.wrap(status: status, out, operation: operation)
    }

    /// Wraps an output image, or throws the pending libvips error when `status` is non-zero.
    static func wrap(status: Int32, _ out: UnsafeMutablePointer<VipsImage>?, operation: String) throws -> VipsImageRef {
        guard status == 0, let out else {
            if let out { g_object_unref(UnsafeMutableRawPointer(out)) }
            throw ImageError.vips(operation: operation, message: Vips.takeErrorMessage())
        }
        return VipsImageRef(out)
    }
}

/// Process-wide libvips helpers.
enum Vips {
    /// Starts libvips once (untrusted loaders blocked); throws if it cannot start.
    static func start() throws {
        if pincel_vips_init() != 0 {
            throw ImageError.libraryUnavailable(message: takeErrorMessage())
        }
    }

    /// Takes and clears libvips's error buffer, as one line (repeated parts once, at most
    /// 300 characters). When a decoder failed without filling the buffer (libpng reports
    /// "Invalid IHDR data" only as a warning), the last libvips/GLib warning stands in.
    static func takeErrorMessage() -> String {
        var parts: [String] = []
        if let raw = vips_error_buffer_copy() {
            defer { g_free(raw) }
            for line in String(cString: raw).split(whereSeparator: \.isNewline) {
                let part = line.trimmingCharacters(in: .whitespaces)
                if !part.isEmpty && !parts.contains(part) { parts.append(part) }
            }
        }
        let warning = takeLastWarning()
        if parts.isEmpty, !warning.isEmpty { parts.append(warning) }
        let text = parts.joined(separator: "; ")
        if text.isEmpty { return "libvips gave no reason" }
        return text.count > 300 ? String(text.prefix(297)) + "..." : text
    }

    /// The last GLib/libvips warning since the previous call ("" if none); forgets it.
    @discardableResult
    static func takeLastWarning() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pincel_take_last_warning($0.baseAddress, $0.count) }
        guard length > 0 else { return "" }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// libvips's built-in sRGB ICC profile, or nil if it cannot be loaded.
    static let builtinSRGBProfile: [UInt8]? = {
        guard pincel_vips_init() == 0 else { return nil }
        var data: UnsafeMutableRawPointer?
        var length = 0
        guard pincel_srgb_profile(&data, &length) == 0, let data else {
            _ = takeErrorMessage()
            return nil
        }
        defer { g_free(data) }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }()

    /// True when the image's embedded ICC profile is byte-identical to the built-in sRGB one.
    static func hasBuiltinSRGBProfile(_ image: VipsImageRef) -> Bool {
        guard let builtin = builtinSRGBProfile else { return false }
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(image.pointer, "icc-profile-data", &data, &length) == 0, let data else {
            _ = takeErrorMessage()
            return false
        }
        return length == builtin.count && builtin.withUnsafeBytes { bytes in
            bytes.baseAddress.map { memcmp($0, data, length) == 0 } ?? false
        }
    }

    /// Turns a libvips failure status into a thrown `ImageError` built from the error buffer.
    static func check(_ status: Int32, _ makeError: (String) -> ImageError) throws {
        if status != 0 { throw makeError(takeErrorMessage()) }
    }
}

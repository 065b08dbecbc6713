import PincelCore

/// Everything that can go wrong when loading, resizing or saving an image.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// libvips could not be started.
    case libraryUnavailable(message: String)
    /// No file at the path.
    case fileNotFound(path: String)
    /// The file has zero bytes.
    case emptyFile(path: String)
    /// The path (symbolic links followed) is a folder, a FIFO, a socket or a device.
    case notAnImageFile(path: String, kind: FileKind)
    /// The file exists but cannot be opened for reading.
    case unreadable(path: String, reason: String)
    /// An output path that cannot be written (checked before any work).
    case outputNotWritable(path: String, reason: String)
    /// The file is not a JPEG, PNG, WebP, TIFF or GIF (`format` is the libvips loader, if one was found).
    case unsupportedFormat(path: String, format: String?)
    /// The header declares more pixels than allowed.
    case tooLarge(path: String, width: Int, height: Int, maxPixels: Int)
    /// The pixels could not be decoded (truncated or corrupt file).
    case decodeFailed(path: String, message: String)
    /// A tensor that is not an image `[3, H, W]` with H, W ≥ 1.
    case invalidImageShape(shape: [Int])
    /// A requested size that is not positive.
    case invalidSize(width: Int, height: Int)
    /// The output extension is not one of png, jpg, jpeg, webp, tif, tiff.
    case unsupportedOutputFormat(path: String)
    /// A save option that the chosen format cannot honour.
    case invalidSaveOption(path: String, message: String)
    /// Writing or renaming the output failed; no partial file was left behind.
    case saveFailed(path: String, message: String)
    /// An argument outside its documented range.
    case invalidArgument(message: String)
    /// Any other libvips failure, with libvips's own message.
    case vips(operation: String, message: String)

    /// One line naming the file, the problem and what to do.
    public var description: String { OneLine.sanitize(rawDescription) }

    private var rawDescription: String {
        switch self {
        case .libraryUnavailable(let message):
            return "libvips failed to start (\(message)); check that libvips 8.14 or later is installed."
        case .fileNotFound(let path):
            return "\(path): no such file; check the path."
        case .emptyFile(let path):
            return "\(path): the file is empty; use a JPEG, PNG, WebP, TIFF or GIF image."
        case .notAnImageFile(let path, let kind):
            return "\(path): is \(kind), not an image file."
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason))."
        case .outputNotWritable(let path, let reason):
            return "\(path): cannot be written (\(reason))."
        case .unsupportedFormat(let path, let format):
            let what = format.map { "format '\($0)' is not allowed" } ?? "not a recognised image"
            return "\(path): \(what); convert it to JPEG, PNG, WebP, TIFF or GIF."
        case .tooLarge(let path, let width, let height, let maxPixels):
            return "\(path): \(width)x\(height) pixels exceeds the limit of \(maxPixels) pixels; shrink the image first or raise the limit."
        case .decodeFailed(let path, let message):
            return "\(path): could not decode the image (\(message)); the file may be truncated or corrupt, re-export it."
        case .invalidImageShape(let shape):
            return "expected an image tensor of shape [3, H, W] with H, W >= 1, got \(shape)."
        case .invalidSize(let width, let height):
            return "invalid image size \(width)x\(height); both sides must be at least 1 pixel."
        case .unsupportedOutputFormat(let path):
            return "\(path): unknown output extension; use .png, .jpg, .jpeg, .webp, .tif or .tiff."
        case .invalidSaveOption(let path, let message):
            return "\(path): \(message)."
        case .saveFailed(let path, let message):
            return "\(path): could not save the image (\(message)); check the folder exists, is writable and has free space."
        case .invalidArgument(let message):
            return "\(message)."
        case .vips(let operation, let message):
            return "libvips \(operation) failed: \(message)."
        }
    }
}

import PincelCore
import PincelWeights
import PincelImaging

/// An image given to a transfer: a file to decode, or pixels already decoded.
public enum ImageSource: Sendable, Equatable {
    /// An image file (PNG, JPEG, WebP, TIFF, … anything libvips reads), decoded with the safe
    /// loader: EXIF orientation applied, converted to sRGB, alpha flattened on white.
    case file(String)
    /// RGB pixels, `[3, H, W]`, values 0…255.
    case pixels(Tensor)

    /// Loads the image with its longer side `longerSide` pixels (Lanczos).
    package func load(longerSide: Int, maxPixels: Int, setting: TransferSetting) throws -> Tensor {
        switch self {
        case .file(let path):
            return try ImageIO.load(path, longerSide: longerSide, maxPixels: maxPixels)
        case .pixels(let tensor):
            try Self.check(tensor, maxPixels: maxPixels, setting: setting)
            return try ImageIO.resize(tensor, longerSide: longerSide)
        }
    }

    /// Loads the image resized to exactly `width` x `height`.
    func load(width: Int, height: Int, maxPixels: Int, setting: TransferSetting) throws -> Tensor {
        switch self {
        case .file(let path):
            return try ImageIO.load(path, width: width, height: height, maxPixels: maxPixels)
        case .pixels(let tensor):
            try Self.check(tensor, maxPixels: maxPixels, setting: setting)
            return try ImageIO.resize(tensor, width: width, height: height)
        }
    }

    /// Pixels must be `[3, H, W]`, within the pixel limit, finite and within 0…255.
    static func check(_ tensor: Tensor, maxPixels: Int, setting: TransferSetting) throws {
        let s = tensor.shape
        guard s.count == 3, s[0] == 3, s[1] >= 1, s[2] >= 1, s[1] <= maxPixels, s[2] <= maxPixels,
              s[1] * s[2] <= maxPixels, tensor.data.count == 3 * s[1] * s[2] else {
            throw TransferError.invalidSetting(setting, "must be RGB pixels [3, H, W] with at most \(maxPixels) pixels, got shape \(s)")
        }
        guard tensor.data.allSatisfy({ $0 >= 0 && $0 <= 255 }) else {  // false for NaN too
            throw TransferError.invalidSetting(setting, "pixels must be within 0…255")
        }
    }
}

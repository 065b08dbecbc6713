import Foundation
import PincelCore
import PincelImaging

/// An instant picture of a request: its photo in the blend of its paintings' styles, by
/// ``InstantStylizer`` (one pass, no optimisation), off the caller's thread.
///
/// ```swift
/// let request = TransferRequest(content: .file(content), styles: [.file(style)])
/// let result = try await InstantTransfer(request, stylizer: try InstantStylizer()).run()
/// try ImageIO.save(result.image, to: output)
/// ```
///
/// Settings read from the request's ``TransferOptions``: ``TransferOptions/size`` (the
/// picture's longer side), ``TransferOptions/styleBlend`` (the paintings'
/// style vectors are mixed with these weights, equal by default) and
/// ``TransferOptions/colors`` (`.match` matches each painting's colours to the photo's before
/// its vector is taken; `.luminance` and `.yuv` keep the picture's luminance with the photo's
/// colours). Spatial control (masks) is for optimised transfers only.
public struct InstantTransfer: Sendable {
    /// The photo, the paintings and the settings.
    public let request: TransferRequest
    /// How far from the photo's own style towards the paintings' (0…1; 1, the default, is
    /// the paintings' style alone).
    public let strength: Float
    /// The networks.
    public let stylizer: InstantStylizer

    /// Checks the settings; loads nothing.
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` for a bad size, blend or strength, or
    ///   masks.
    public init(_ request: TransferRequest, strength: Float = 1, stylizer: InstantStylizer) throws {
        try request.validate()
        guard strength >= 0, strength <= 1 else {  // false for NaN
            throw TransferError.invalidSetting(.instantStrength, "must be between 0 and 1, got \(strength)")
        }
        guard request.spatial.isEmpty else {
            throw TransferError.invalidSetting(.mask, "is for optimised transfers; an instant picture takes no masks")
        }
        self.request = request
        self.strength = strength
        self.stylizer = stylizer
    }

    /// Makes the picture on a thread of its own.
    ///
    /// - Throws: `CancellationError` when cancelled before it starts; ``ImageError`` for an
    ///   image that cannot be read; ``TransferError`` for one the network cannot take.
    public func run() async throws -> InstantResult {
        try await BlockingWork.run(name: "pincel-instant") { stop in
            if stop.isRaised { throw CancellationError() }
            return try runBlocking()
        }
    }

    /// The picture, made on the calling thread.
    public func runBlocking() throws -> InstantResult {
        let started = Date()
        let options = request.options
        let content = try request.content.load(longerSide: options.size, maxPixels: options.maxPixels, setting: .content)
        let styles = try request.styles.map {
            try $0.load(longerSide: Self.styleLoadSide, maxPixels: options.maxPixels, setting: .styles)
        }
        let (image, vector) = try Self.picture(content: content, styles: styles, blend: options.styleBlend,
                                               colors: options.colors, strength: strength, stylizer: stylizer)
        return InstantResult(image: image, styleVector: vector, seconds: Date().timeIntervalSince(started))
    }

    /// The longer side paintings are decoded at before their centre square is taken.
    static let styleLoadSide = 768

    /// The picture of `content` (`[3, H, W]`, 0…255) in the blend of `styles`' vectors.
    package static func picture(content: Tensor, styles: [Tensor], blend: [Float]?, colors: ColorPreservation,
                                strength: Float, stylizer: InstantStylizer) throws -> (Tensor, StyleVector) {
        let paintings = colors == .match ? styles.map { ColorSpace.matchColors($0, to: content) } : styles
        let vectors = try paintings.map { try stylizer.styleVector(of: $0) }
        var vector = try StyleVector.blend(vectors, weights: blend ?? Array(repeating: 1, count: vectors.count))
        if strength < 1 {
            vector = try stylizer.styleVector(of: content).interpolated(to: vector, amount: strength)
        }
        var image = try stylizer.stylize(content, style: vector)
        if colors == .luminance || colors == .yuv {
            image = ColorSpace.combine(luminance: ColorSpace.luminance(image), chromaOf: content)
            for i in image.data.indices { image.data[i] = min(max(image.data[i], 0), 255) }
        }
        return (image, vector)
    }
}

/// What ``InstantTransfer/run()`` returns.
public struct InstantResult: Sendable {
    /// The picture, RGB `[3, H, W]`, 0…255, the photo's size at ``TransferOptions/size``.
    public var image: Tensor
    /// The style vector used (blended, moved towards the photo's by the strength).
    public var styleVector: StyleVector
    /// Seconds from start to finish (decoding included).
    public var seconds: Double
}

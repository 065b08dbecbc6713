import PincelCore
import PincelWeights
import PincelImaging

/// A request's images, decoded and sized as the engine takes them.
package struct LoadedImages {
    /// RGB `[3, H, W]`, longer side ``TransferOptions/size``.
    var content: Tensor
    /// RGB, longer side `size · styleScale` (at least 32 px).
    var styles: [Tensor]
    /// The start image at the content's size, for `.style` and `.image` starts.
    var initial: Tensor?
    /// The masks of ``TransferRequest/spatial`` at the content's size (`nil`: none).
    var spatial: LoadedSpatial?

    init(_ request: TransferRequest, maxPixels: Int) throws {
        let options = request.options
        content = try request.content.load(longerSide: options.size, maxPixels: maxPixels, setting: .content)
        let styleSide = Self.styleSide(size: options.size, styleScale: options.styleScale)
        styles = try request.styles.map { try $0.load(longerSide: styleSide, maxPixels: maxPixels, setting: .styles) }
        if options.initial == .instant {
            // A photo too thin for the network (a side under 16 px) starts from itself.
            initial = min(content.shape[1], content.shape[2]) < InstantStylizer.minimumSide ? content
                : try InstantTransfer.picture(content: content, styles: styles, blend: options.styleBlend,
                                              colors: options.colors, strength: 1, stylizer: InstantStylizer.shared()).0
        } else {
            initial = try Self.initialImage(options.initial, styles: styles, width: content.shape[2],
                                            height: content.shape[1], maxPixels: maxPixels)
        }
        spatial = try LoadedSpatial(request.spatial, content: content, styles: styles, maxPixels: maxPixels)
    }

    /// The style images' longer side for a result of `size` pixels.
    package static func styleSide(size: Int, styleScale: Float) -> Int {
        max(32, Int((Float(size) * styleScale).rounded()))
    }

    /// The start image a `.style` or `.image` start needs, at `width` x `height` (`nil` for
    /// noise and content starts, which the engine makes itself, and for the instant start,
    /// which needs the network: see `init`).
    package static func initialImage(_ initial: InitialImage, styles: [Tensor], width: Int, height: Int,
                             maxPixels: Int) throws -> Tensor? {
        switch initial {
        case .noise, .content, .instant: return nil
        case .style:
            guard let first = styles.first else { throw TransferError.invalidSetting(.styles, "must hold at least one image") }
            return try ImageIO.resize(first, width: width, height: height)
        case .image(let source):
            return try source.load(width: width, height: height, maxPixels: maxPixels, setting: .initialImage)
        }
    }
}

import Foundation
import Pincel

/// What an instant picture (`POST /api/instant`) asks for: the page's selection, at a preview's
/// size. Images are references as in ``JobParameters`` (`example:NAME`, `upload:ID`).
struct PreviewParameters: Codable, Sendable, Equatable {
    /// The photo.
    var content: String
    /// One or more paintings.
    var styles: [String]
    /// Blend weights of the paintings, one per style (`nil`: equal).
    var blend: [Double]?
    /// Longer side of the picture, pixels.
    var size: Int
    /// `none`, `luminance`, `match` or `yuv` (``ColorPreservation``).
    var colors: String

    init(content: String, styles: [String], blend: [Double]? = nil, size: Int = 256, colors: String = "none") {
        self.content = content
        self.styles = styles
        self.blend = blend
        self.size = size
        self.colors = colors
    }

    private enum CodingKeys: String, CodingKey { case content, styles, blend, size, colors }

    /// Decodes, with the options optional (the defaults fill in).
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(content: try c.decode(String.self, forKey: .content), styles: try c.decode([String].self, forKey: .styles))
        blend = try c.decodeIfPresent([Double].self, forKey: .blend)
        size = try c.decodeIfPresent(Int.self, forKey: .size) ?? size
        colors = try c.decodeIfPresent(String.self, forKey: .colors) ?? colors
    }

    /// Longer side of a preview, pixels: small, so that it comes at once.
    static let sizes = 32...512

    /// The options ``InstantTransfer`` reads (size, blend, colours), checked by the studio's
    /// limits. - Throws: `StudioError.badRequest`.
    func options() throws -> TransferOptions {
        guard JobParameters.Limits.styles.contains(styles.count) else {
            throw StudioError.badRequest("choose 1 to \(JobParameters.Limits.styles.upperBound) paintings (got \(styles.count))")
        }
        guard Self.sizes.contains(size) else {
            throw StudioError.badRequest("a preview's size must be \(Self.sizes.lowerBound)…\(Self.sizes.upperBound) pixels (got \(size))")
        }
        var options = TransferOptions()
        options.size = size
        guard let colors = ColorPreservation(rawValue: colors) else {
            throw StudioError.badRequest("colour mode must be none, luminance, match or yuv (got '\(colors.prefix(40))')")
        }
        options.colors = colors
        if let blend {
            guard blend.count == styles.count else {
                throw StudioError.badRequest("give one blend weight per painting (\(styles.count), got \(blend.count))")
            }
            guard blend.allSatisfy({ $0.isFinite && $0 >= 0 }), blend.contains(where: { $0 > 0 }) else {
                throw StudioError.badRequest("blend weights must be at least 0 and not all 0")
            }
            options.styleBlend = blend.map { Float($0) }
        }
        return options
    }
}

import Foundation
import Pincel

/// What a job asks for: the images (by reference) and the main options of a transfer.
///
/// An image reference is `example:NAME` (a file of the studio's examples folder, by its listed
/// name) or `upload:ID` (an uploaded image). Nothing else is accepted.
public struct JobParameters: Codable, Sendable, Equatable {
    /// The photo.
    public var content: String
    /// One or more paintings.
    public var styles: [String]
    /// Blend weights of the paintings, one per style (`nil`: equal).
    public var blend: [Double]?
    /// Longer side of the result, pixels.
    public var size: Int
    /// Objective evaluations (the cap).
    public var iterations: Int
    /// Weight of the content term.
    public var contentWeight: Double
    /// Weight of the style term.
    public var styleWeight: Double
    /// `none`, `luminance`, `match` or `yuv` (``ColorPreservation``).
    public var colors: String
    /// The seed of the noise start, decimal; `nil` or empty: drawn at random.
    public var seed: String?
    /// `noise`, `content`, `style` or `instant` (the instant network's picture, ``InitialImage/instant``).
    public var initial: String

    /// Parameters with the studio's defaults (256 px, 300 evaluations, the library's weights).
    public init(content: String, styles: [String], blend: [Double]? = nil, size: Int = 256, iterations: Int = 300,
                contentWeight: Double = 5, styleWeight: Double = 100, colors: String = "none",
                seed: String? = nil, initial: String = "noise") {
        self.content = content
        self.styles = styles
        self.blend = blend
        self.size = size
        self.iterations = iterations
        self.contentWeight = contentWeight
        self.styleWeight = styleWeight
        self.colors = colors
        self.seed = seed
        self.initial = initial
    }

    private enum CodingKeys: String, CodingKey {
        case content, styles, blend, size, iterations, contentWeight, styleWeight, colors, seed, initial
    }

    /// Decodes, with every option but the images optional (the defaults fill in).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(content: try c.decode(String.self, forKey: .content),
                  styles: try c.decode([String].self, forKey: .styles))
        blend = try c.decodeIfPresent([Double].self, forKey: .blend)
        size = try c.decodeIfPresent(Int.self, forKey: .size) ?? size
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? iterations
        contentWeight = try c.decodeIfPresent(Double.self, forKey: .contentWeight) ?? contentWeight
        styleWeight = try c.decodeIfPresent(Double.self, forKey: .styleWeight) ?? styleWeight
        colors = try c.decodeIfPresent(String.self, forKey: .colors) ?? colors
        seed = try c.decodeIfPresent(String.self, forKey: .seed)
        initial = try c.decodeIfPresent(String.self, forKey: .initial) ?? initial
    }

    /// The start from the instant network's picture, the page's default when its models are there.
    public static let instantStart = "instant"

    /// The studio's ranges, narrower than the library's: the CPU is shared and a page waits.
    public enum Limits {
        /// Longer side, pixels.
        public static let size = 32...1024
        /// Evaluations.
        public static let iterations = 1...3000
        /// Paintings per job.
        public static let styles = 1...4
    }

    /// The transfer's options for these parameters, checked by the studio's limits and
    /// ``TransferOptions/validate(styleCount:)``. - Throws: `StudioError.badRequest`.
    public func options(threads: Int? = nil) throws -> TransferOptions {
        guard Limits.styles.contains(styles.count) else {
            throw StudioError.badRequest("choose 1 to \(Limits.styles.upperBound) paintings (got \(styles.count))")
        }
        guard Limits.size.contains(size) else {
            throw StudioError.badRequest("size must be \(Limits.size.lowerBound)…\(Limits.size.upperBound) pixels (got \(size))")
        }
        guard Limits.iterations.contains(iterations) else {
            throw StudioError.badRequest("iterations must be \(Limits.iterations.lowerBound)…\(Limits.iterations.upperBound) (got \(iterations))")
        }
        var options = TransferOptions()
        options.size = size
        options.iterations = iterations
        options.contentWeight = Float(contentWeight)
        options.styleWeight = Float(styleWeight)
        guard let colors = ColorPreservation(rawValue: colors) else {
            throw StudioError.badRequest("colour mode must be none, luminance, match or yuv (got '\(colors.prefix(40))')")
        }
        options.colors = colors
        switch initial {
        case "noise": options.initial = .noise
        case "content": options.initial = .content
        case "style": options.initial = .style
        case Self.instantStart: options.initial = .instant
        default: throw StudioError.badRequest("init must be noise, content, style or instant (got '\(initial.prefix(40))')")
        }
        if let seed, !seed.isEmpty {
            guard let value = UInt64(seed) else {
                throw StudioError.badRequest("seed must be a whole number 0…\(UInt64.max) (got '\(seed.prefix(40))')")
            }
            options.seed = value
        }
        if let blend {
            guard blend.count == styles.count else {
                throw StudioError.badRequest("give one blend weight per painting (\(styles.count), got \(blend.count))")
            }
            options.styleBlend = blend.map { Float($0) }
        }
        if let threads { options.network.threads = threads }
        do {
            try options.validate(styleCount: styles.count)
        } catch let TransferError.invalidSetting(setting, reason) {
            throw StudioError.badRequest("\(setting.rawValue): \(setting.words) \(reason)")
        } catch {
            throw StudioError.badRequest("\(error)")
        }
        return options
    }
}

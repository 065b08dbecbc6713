import PincelCore
import PincelWeights
import PincelImaging

/// Spatial control of a transfer (Gatys, Ecker, Bethge, Hertzmann & Shechtman, *Controlling
/// Perceptual Factors in Neural Style Transfer*, CVPR 2017, arXiv:1611.07865): which style
/// paints which region of the photo, which part of each painting gives its statistics, and
/// where the image may change at all.
///
/// Masks are greyscale images of any size (a colour image is read as its luminance), resized
/// to the content's size (to each scale's size when the run has several): white is 1, black 0,
/// grey partial.
///
/// - Style masks: style `i` is matched in the region its mask covers, by a *guided* Gram
///   matrix (each position's features weighted by the mask brought to the layer's
///   resolution, see ``GuideMode``) against the painting's Gram matrix (of its
///   ``styleRegions`` entry when given, else of the whole painting). Where masks overlap they
///   are divided by their sum, so the weights at a pixel add up to at most 1. **A pixel no
///   mask covers gets no style term** (only the content and total-variation terms act there).
/// - ``mask``: where the image may change. Outside it (mask value 0) the result is the photo
///   exactly; inside, the edge is feathered over ``featherPixels`` so no seam shows.
public struct SpatialControl: Sendable, Equatable {
    /// How a guide (a mask at the image's resolution) is brought to a layer's resolution.
    public enum GuideMode: String, Sendable, CaseIterable {
        /// Box-average the guide down to the layer's size (the paper's simple variant): units
        /// near a region's edge see both sides and count, partly, for both regions.
        case downsampled
        /// Propagate the guide through the network's 3x3 convolutions and 2x2 poolings as a
        /// minimum (an erosion): a unit keeps a region's weight only as far as its whole
        /// receptive field lies in the region. A region that erodes away completely at a deep
        /// layer (small regions, small images) has no style term there; a painting's region
        /// that does uses its downsampled guide for its statistics.
        case eroded
    }

    /// One mask per style (same order as ``TransferRequest/styles``), or empty for none. When
    /// any style has a mask, every style must have one.
    public var styleMasks: [ImageSource?]
    /// One region per style (or empty): the part of that painting whose statistics the style
    /// term matches (`nil`: the whole painting). Resized to the painting's size.
    public var styleRegions: [ImageSource?]
    /// Where the image may change (`nil`: everywhere).
    public var mask: ImageSource?
    /// How guides reach each layer (default ``GuideMode/downsampled``; see BENCHMARKS.md,
    /// "Spatial control").
    public var guideMode: GuideMode
    /// Width of the feathered edge inside ``mask``, pixels at the result's size (`nil`: the
    /// longer side / 64, at least 2).
    public var featherPixels: Int?

    /// Spatial control from its parts; the default controls nothing.
    public init(styleMasks: [ImageSource?] = [], styleRegions: [ImageSource?] = [], mask: ImageSource? = nil,
                guideMode: GuideMode = .downsampled, featherPixels: Int? = nil) {
        self.styleMasks = styleMasks
        self.styleRegions = styleRegions
        self.mask = mask
        self.guideMode = guideMode
        self.featherPixels = featherPixels
    }

    /// True when nothing is controlled: the transfer is the plain one, number for number.
    public var isEmpty: Bool {
        !styleMasks.contains { $0 != nil } && !styleRegions.contains { $0 != nil } && mask == nil
    }

    /// True when the style term is guided (some style has a mask or a region).
    var guidesStyle: Bool { styleMasks.contains { $0 != nil } || styleRegions.contains { $0 != nil } }

    /// The feather width for a result whose longer side is `side` pixels.
    func feather(side: Int) -> Int { featherPixels ?? max(2, side / 64) }

    /// Checks the counts and settings against a request with `styleCount` styles (nothing is loaded).
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` naming ``TransferSetting/styleMasks``,
    ///   ``TransferSetting/styleRegions``, ``TransferSetting/mask`` or ``TransferSetting/styleBlend``.
    public func validate(styleCount: Int, styleBlend: [Float]?) throws {
        guard styleMasks.isEmpty || styleMasks.count == styleCount else {
            throw TransferError.invalidSetting(.styleMasks, "has \(styleMasks.count) entries for \(styleCount) styles; give one per style")
        }
        guard styleRegions.isEmpty || styleRegions.count == styleCount else {
            throw TransferError.invalidSetting(.styleRegions, "has \(styleRegions.count) entries for \(styleCount) styles; give one per style")
        }
        if styleMasks.contains(where: { $0 != nil }), let i = styleMasks.firstIndex(where: { $0 == nil }) {
            throw TransferError.invalidSetting(.styleMasks, "are needed for every style once one has a mask; style \(i + 1) has none")
        }
        if styleMasks.contains(where: { $0 != nil }), styleBlend != nil {
            throw TransferError.invalidSetting(.styleBlend, "does not apply with style masks (each style paints its own region)")
        }
        if let featherPixels, !(0...TransferLimits.size.upperBound).contains(featherPixels) {
            throw TransferError.invalidSetting(.mask, "feather must be between 0 and \(TransferLimits.size.upperBound) pixels, got \(featherPixels)")
        }
    }
}

import PincelCore
import PincelWeights
import PincelImaging

/// What ``GatysObjective`` measures: its terms' layers and weights, nothing else.
///
/// Either term may be empty (no layers, or weight 0): a content reconstruction has no style
/// term, a style reconstruction (texture synthesis) no content term. An empty style term needs
/// no style image.
public struct ObjectiveSpec: Sendable, Equatable {
    /// Content layers, each with its weight within the term.
    public var contentLayers: [WeightedLayer]
    /// Style layers, each with its weight within the term.
    public var styleLayers: [WeightedLayer]
    /// Weight of the content term (≥ 0).
    public var contentWeight: Float
    /// Weight of the style term (≥ 0).
    public var styleWeight: Float
    /// Weight of the total-variation term (≥ 0; 0 drops it).
    public var tvWeight: Float
    /// The total-variation penalty: squared (`.l2`) or smoothed absolute (`.l1(smoothing:)`)
    /// neighbour differences.
    public var tvNorm: TotalVariationLoss.Norm
    /// One weight per style image (normalised to sum 1), or `nil` for equal weights.
    public var styleBlend: [Float]?

    /// A spec from its parts (checked when ``GatysObjective`` is built, not here).
    public init(contentLayers: [WeightedLayer], styleLayers: [WeightedLayer], contentWeight: Float,
                styleWeight: Float, tvWeight: Float, tvNorm: TotalVariationLoss.Norm = .l2, styleBlend: [Float]? = nil) {
        self.contentLayers = contentLayers
        self.styleLayers = styleLayers
        self.contentWeight = contentWeight
        self.styleWeight = styleWeight
        self.tvWeight = tvWeight
        self.tvNorm = tvNorm
        self.styleBlend = styleBlend
    }

    /// The objective of a transfer with `options`.
    public init(_ options: TransferOptions) {
        self.init(contentLayers: options.contentLayers, styleLayers: options.styleLayers,
                  contentWeight: options.contentWeight, styleWeight: options.styleWeight,
                  tvWeight: options.tvWeight, tvNorm: options.tvNorm, styleBlend: options.styleBlend)
    }

    /// Content layers that contribute (weight above 0, term weight above 0).
    var activeContentLayers: [WeightedLayer] { contentWeight > 0 ? contentLayers.filter { $0.weight > 0 } : [] }
    /// Style layers that contribute.
    var activeStyleLayers: [WeightedLayer] { styleWeight > 0 ? styleLayers.filter { $0.weight > 0 } : [] }

    /// The network taps the objective reads: the active content and style layers, deduplicated
    /// (style first).
    public var taps: [String] {
        var names: [String] = []
        for l in activeStyleLayers + activeContentLayers where !names.contains(l.name) { names.append(l.name) }
        return names
    }
}

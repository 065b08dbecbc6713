import PincelCore
import PincelWeights
import PincelImaging

/// The guides of a guided style term at one image size: one mask per style at the content's
/// resolution (already normalised so they sum to at most 1 per pixel) and, per style, an
/// optional region of its painting (any size; resized to the painting's).
struct StyleGuides {
    /// Per style, `height × width` weights in 0…1.
    var masks: [[Float]]
    var height: Int
    var width: Int
    /// Per style, `[1, h, w]` weights in 0…1, or `nil` for the whole painting.
    var regions: [Tensor?]
    var mode: SpatialControl.GuideMode
}

/// The style term of ``GatysObjective`` with spatial control: for every style layer and every
/// style, the guided Gram matrix of the image under that style's mask against the painting's
/// (region's) Gram matrix (``GuidedStyleLoss``), summed.
final class GuidedStyleTerm {
    private struct Layer {
        let tap: Int
        let name: String
        let weight: Float
        /// Per style, its target at this layer.
        let targets: [GramMatrix]
        /// Per style, the mask at this layer's resolution (made at the first evaluation).
        var guides: [CompactGuide] = []
        var guideShape: [Int] = []
    }

    private var layers: [Layer]
    private let guides: StyleGuides
    private var workspaces: [Int: GuidedStyleWorkspace] = [:]

    /// Builds the targets (one forward pass per painting); leaves the network prepared for the
    /// last painting's size.
    init(network: any FeatureNetwork, styles: [Tensor], guides: StyleGuides, layers: [WeightedLayer], taps: [Int],
         styleWeight: Float) throws {
        guard guides.masks.count == styles.count, guides.regions.isEmpty || guides.regions.count == styles.count else {
            throw TransferError.invalidSetting(.styleMasks, "has \(guides.masks.count) masks for \(styles.count) styles; give one per style")
        }
        self.guides = guides
        var targets: [[GramMatrix]] = Array(repeating: [], count: taps.count)
        for (i, image) in styles.enumerated() where !taps.isEmpty {
            let features = try GatysObjective.activations(network: network, image: image, taps: taps)
            let region = guides.regions.isEmpty ? nil : guides.regions[i]
            let layout = network.tapLayout
            for (k, f) in features.enumerated() {
                let (n, h, w) = (f.shape[0], f.shape[1], f.shape[2])
                let gram: GramMatrix? = try network.withComputeThreads {
                    try f.data.withUnsafeBufferPointer { data in
                        guard let region else { return try GramMatrix(features: data, channels: n, layout: layout) }
                        let size = (h: image.shape[1], w: image.shape[2])
                        let atImage = LayerGuide.resized(region.data, from: (region.shape[1], region.shape[2]), to: size)
                        let guide = LayerGuide.atLayer(atImage, size: size, layer: layers[k].name, to: (h, w), mode: guides.mode,
                                                            fallback: true)
                        return try GuidedStyleLoss.gram(features: data, channels: n, layout: layout, guide: CompactGuide(guide),
                                                        workspace: try GuidedStyleWorkspace(channels: n),
                                                        products: network.products)
                    }
                }
                guard let gram else {
                    throw TransferError.invalidSetting(.styleRegions, "\(i + 1) covers no part of its painting at \(layers[k].name)")
                }
                targets[k].append(gram)
            }
        }
        self.layers = zip(layers, zip(taps, targets)).map { layer, pair in
            Layer(tap: pair.0, name: layer.name, weight: styleWeight * layer.weight, targets: pair.1)
        }
    }

    /// The style term at tap `t` for the network's current activation; adds its gradient.
    func evaluate(tap t: Int, network: any FeatureNetwork, gradient: UnsafeMutableBufferPointer<Float>) throws -> Float {
        var total: Float = 0
        for k in layers.indices where layers[k].tap == t {
            let shape = try network.shape(ofTap: t)
            if layers[k].guideShape != shape {
                layers[k].guides = guides.masks.map { mask in
                    CompactGuide(LayerGuide.atLayer(mask, size: (guides.height, guides.width), layer: layers[k].name,
                                                    to: (shape[1], shape[2]), mode: guides.mode))
                }
                layers[k].guideShape = shape
            }
            let n = shape[0]
            let workspace = try workspaces[n] ?? GuidedStyleWorkspace(channels: n)
            workspaces[n] = workspace
            let features = try network.activation(t)
            for (target, guide) in zip(layers[k].targets, layers[k].guides) {
                total += try GuidedStyleLoss.evaluate(features: features, target: target, guide: guide,
                                                      layerWeight: layers[k].weight, workspace: workspace,
                                                      gradient: gradient, layout: network.tapLayout,
                                                      products: network.products)
            }
        }
        return total
    }
}

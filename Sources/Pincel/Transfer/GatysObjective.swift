import PincelCore
import PincelWeights
import PincelImaging

/// The objective of Gatys et al. for one image size:
/// `content_weight · Σ_l w_l mean((F_l(x) − F_l(c))²)
///  + style_weight · Σ_l w_l mean((G_l(x) − A_l)²) + TV(x)`.
///
/// The variable is an image `[C, H, W]` with values 0…255, `C` = 3 (RGB) or 1 (luminance
/// only: the network sees it replicated to grey RGB, and the gradient is summed back).
/// All buffers are made once; ``evaluate(_:gradient:)`` allocates nothing. The network may
/// use either tap layout (``NetworkOptions/tapLayout``); channels-last is the faster. The
/// network is any backend's (``FeatureNetwork``): the objective reads features and writes
/// gradients only through it.
public final class GatysObjective {
    /// The value of each term at the last evaluation.
    public struct Terms: Sendable, Equatable {
        /// The content term, weighted: `content_weight · Σ_l w_l mean((F_l(x) − F_l(c))²)`.
        public var content: Float = 0
        /// The style term, weighted: `style_weight · Σ_l w_l mean((G_l(x) − A_l)²)`.
        public var style: Float = 0
        /// The total-variation term, weighted by ``ObjectiveSpec/tvWeight``.
        public var tv: Float = 0
        /// The temporal term of a video frame, weighted (0 for a still image): see
        /// `VideoOptions.temporalWeight` (PincelVideo).
        public var temporal: Float = 0
        /// The objective: the sum of the terms.
        public var total: Float { content + style + tv + temporal }

        /// All terms zero.
        package init() {}
    }

    /// Image height, pixels.
    public let height: Int
    /// Image width, pixels.
    public let width: Int
    /// 3 for RGB, 1 for luminance-only.
    public let channels: Int
    /// The terms of the last ``evaluate(_:gradient:)`` (zero before the first).
    public private(set) var terms = Terms()

    private let network: any FeatureNetwork
    private let content: [(tap: Int, weight: Float, target: [Float])]
    private let style: [(tap: Int, weight: Float, target: GramMatrix, workspace: StyleLayerWorkspace)]
    /// The style term with spatial control (``SpatialControl``), instead of ``style``.
    private let guided: GuidedStyleTerm?
    private let tvNorm: TotalVariationLoss.Norm
    private let tvWeight: Float
    private var rgb: [Float]
    private var rgbGradient: [Float]
    /// An extra term on the pixels (a video's temporal loss), added to ``Terms/temporal``.
    var pixelTerm: (any PixelTerm)?

    /// Builds the targets: the style Gram matrices (blended when there are several style
    /// images) and the content activations.
    ///
    /// - Parameters:
    ///   - network: a network with (at least) the taps ``ObjectiveSpec/taps`` names.
    ///   - contentImage: `[channels, H, W]`, 0…255: the variable's size, and the content targets.
    ///   - styles: each `[channels, h, w]`, any size; may be empty when the spec has no style
    ///     term.
    ///   - spec: the terms' layers and weights.
    public convenience init(network: any FeatureNetwork, content contentImage: Tensor, styles: [Tensor], spec: ObjectiveSpec) throws {
        try self.init(network: network, content: contentImage, styles: styles, spec: spec, guides: nil)
    }

    /// The objective with a guided style term when `guides` is given (``GuidedStyleTerm``).
    init(network: any FeatureNetwork, content contentImage: Tensor, styles: [Tensor], spec: ObjectiveSpec,
         guides: StyleGuides?) throws {
        guard contentImage.shape.count == 3, [1, 3].contains(contentImage.shape[0]) else {
            throw VGGError.badShape(expected: [3, -1, -1], got: contentImage.shape, what: "content image")
        }
        let styleLayers = spec.activeStyleLayers, contentLayers = spec.activeContentLayers
        guard !styleLayers.isEmpty || !contentLayers.isEmpty else {
            throw TransferError.invalidSetting(.styleWeight, "and \(the: .contentWeight) leave no term to optimise; give one a layer and a weight above 0")
        }
        guard styleLayers.isEmpty || !styles.isEmpty else {
            throw TransferError.invalidSetting(.styles, "must hold at least one image for a style term")
        }
        if let blend = spec.styleBlend, !styleLayers.isEmpty, guides == nil, blend.count != styles.count {
            throw TransferError.invalidSetting(.styleBlend, "has \(blend.count) weights for \(styles.count) style images; give one per style")
        }
        channels = contentImage.shape[0]
        height = contentImage.shape[1]
        width = contentImage.shape[2]
        self.network = network
        tvNorm = spec.tvNorm
        tvWeight = spec.tvWeight
        rgb = [Float](repeating: 0, count: 3 * height * width)
        rgbGradient = rgb
        let names = network.taps.map(\.name)
        func tapIndex(_ name: String) throws -> Int {
            guard let i = names.firstIndex(of: name) else { throw VGGError.unknownLayer(name) }
            return i
        }

        // Style targets first (each style image may have its own size).
        let styleTaps = try styleLayers.map { try tapIndex($0.name) }
        var grams: [[GramMatrix]] = Array(repeating: [], count: styleTaps.count)
        guided = try guides.map {
            try GuidedStyleTerm(network: network, styles: styles, guides: $0, layers: styleLayers, taps: styleTaps,
                                styleWeight: spec.styleWeight)
        }
        for image in styles where !styleTaps.isEmpty && guides == nil {
            try Self.runForward(network: network, image: image)
            for (k, tap) in styleTaps.enumerated() { grams[k].append(try network.gramMatrix(ofTap: tap)) }
        }
        let blendWeights = spec.styleBlend ?? Array(repeating: 1, count: styles.count)
        style = guides != nil ? [] : try zip(styleLayers, styleTaps).enumerated().map { k, pair in
            let target = try GramMatrix.blend(grams[k], weights: blendWeights)
            return (pair.1, spec.styleWeight * pair.0.weight, target, try StyleLayerWorkspace(channels: target.channels))
        }

        // Content targets last, so the network stays prepared for the content's size.
        let contentTaps = try contentLayers.map { try tapIndex($0.name) }
        let features = contentTaps.isEmpty ? [] : try Self.activations(network: network, image: contentImage, taps: contentTaps)
        content = zip(contentLayers, zip(contentTaps, features)).map { layer, pair in
            (pair.0, spec.contentWeight * layer.weight, pair.1.data)
        }
    }


    /// The forward pass on `image` (`[1 or 3, h, w]`; one channel is seen as grey RGB).
    static func runForward(network: any FeatureNetwork, image: Tensor) throws {
        let rgb = image.shape[0] == 1 ? Tensor(shape: [3] + image.shape.dropFirst(), data: image.data + image.data + image.data) : image
        try rgb.data.withUnsafeBufferPointer { try network.forward(image: $0, height: rgb.shape[1], width: rgb.shape[2]) }
    }

    /// Each tap's activation, in the network's tap layout (the shape says `[C, h, w]` either way).
    static func activations(network: any FeatureNetwork, image: Tensor, taps: [Int]) throws -> [Tensor] {
        try runForward(network: network, image: image)
        return try taps.map { Tensor(shape: try network.shape(ofTap: $0), data: Array(try network.activation($0))) }
    }

    /// Evaluates the objective at `x` (`[channels, H, W]` flattened) and adds its gradient
    /// into `gradient`.
    ///
    /// - Returns: the objective's value (``Terms/total``); ``terms`` holds its parts.
    /// - Throws: ``VGGError`` when `x` or `gradient` does not hold `channels · height · width` values.
    public func evaluate(_ x: [Float], gradient: inout [Float]) throws -> Float {
        let hw = height * width
        guard x.count == channels * hw, gradient.count == x.count else {
            throw VGGError.badShape(expected: [channels, height, width], got: [x.count], what: "image")
        }
        if channels == 1 {
            for c in 0..<3 { rgb.withUnsafeMutableBufferPointer { r in for i in 0..<hw { r[c * hw + i] = x[i] } } }
            try rgb.withUnsafeBufferPointer { try network.forward(image: $0, height: height, width: width) }
        } else {
            try x.withUnsafeBufferPointer { try network.forward(image: $0, height: height, width: width) }
        }
        var terms = Terms()
        // Each tap's loss gradient is computed when the backward pass reaches it.
        try rgbGradient.withUnsafeMutableBufferPointer { image in
            try network.backward(into: image) { t, g in
                g.update(repeating: 0)
                for c in content where c.tap == t {
                    terms.content += try c.target.withUnsafeBufferPointer { p in
                        try network.contentTerm(tap: t, target: p, weight: c.weight, gradient: g)
                    }
                }
                for s in style where s.tap == t {
                    terms.style += try network.styleTerm(tap: t, target: s.target, layerWeight: s.weight,
                                                         workspace: s.workspace, gradient: g)
                }
                if let guided { terms.style += try guided.evaluate(tap: t, network: network, gradient: g) }
            }
        }
        if channels == 1 {
            for i in 0..<hw { gradient[i] += rgbGradient[i] + rgbGradient[hw + i] + rgbGradient[2 * hw + i] }
        } else {
            for i in 0..<x.count { gradient[i] += rgbGradient[i] }
        }
        if tvWeight > 0 {
            terms.tv = try x.withUnsafeBufferPointer { img in
                try gradient.withUnsafeMutableBufferPointer { g in
                    try TotalVariationLoss.evaluate(image: img, channels: channels, height: height, width: width,
                                                    norm: tvNorm, weight: tvWeight, gradient: g)
                }
            }
        }
        if let pixelTerm {
            terms.temporal = try x.withUnsafeBufferPointer { img in
                try gradient.withUnsafeMutableBufferPointer { try pixelTerm.evaluate(image: img, gradient: $0) }
            }
        }
        self.terms = terms
        return terms.total
    }
}

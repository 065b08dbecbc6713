import Foundation

/// Where a running transfer is, reported after each objective evaluation.
public struct TransferProgress: Sendable {
    public var iteration: Int
    public var total: Int
    public var terms: GatysObjective.Terms
    /// Seconds since optimisation started (targets excluded).
    public var elapsed: Double
}

/// What a transfer produced.
public struct TransferResult: Sendable {
    /// The result, RGB `[3, H, W]`, 0…255 (not yet quantised).
    public var image: Tensor
    /// Objective terms at the last evaluation (the optimiser's own value).
    public var finalTerms: GatysObjective.Terms
    /// Objective terms of the optimised image rounded to 8 bits and clamped to 0…255,
    /// i.e. as it will be saved.
    public var quantizedTerms: GatysObjective.Terms
    public var iterations: Int
    /// True when the caller stopped the run (Ctrl-C).
    public var interrupted: Bool
    /// Seconds spent optimising.
    public var seconds: Double
}

/// Gatys, Ecker & Bethge's neural style transfer.
public enum StyleTransfer {
    /// Runs a transfer on images already loaded and sized.
    ///
    /// - Parameters:
    ///   - content: RGB `[3, H, W]`, 0…255; the result has its size.
    ///   - styles: RGB `[3, h, w]` each, any size (already scaled by `styleScale`).
    ///   - initialImage: the image for `.style` / `.file` starts, RGB at the content's size
    ///     (ignored for `.noise` and `.content`).
    ///   - progress: called after every evaluation with the state and a function that gives
    ///     the current image as RGB; return `false` to stop (the current image is kept).
    public static func run(content: Tensor, styles: [Tensor], weights: VGG19Weights, options: TransferOptions,
                           initialImage: Tensor? = nil,
                           progress: (TransferProgress, () -> Tensor) -> Bool = { _, _ in true }) throws -> TransferResult {
        guard content.shape.count == 3, content.shape[0] == 3 else {
            throw VGGError.badShape(expected: [3, -1, -1], got: content.shape, what: "content image")
        }
        let (height, width) = (content.shape[1], content.shape[2])
        let luminanceOnly = options.colors == .luminance
        let contentLuma = ColorSpace.luminance(content)

        // What the optimiser sees.
        let targetContent = luminanceOnly ? contentLuma : content
        let targetStyles: [Tensor] = styles.map { style in
            switch options.colors {
            case .luminance: return ColorSpace.matchMeanAndSpread(ColorSpace.luminance(style), to: contentLuma)
            case .match: return ColorSpace.matchColors(style, to: content)
            case .none, .yuv: return style
            }
        }
        var x = try start(options: options, content: content, initialImage: initialImage,
                          luminanceOnly: luminanceOnly, height: height, width: width)

        let network = try VGG19Network(weights: weights, taps: GatysObjective.taps(for: options), options: options.network)
        let objective = try GatysObjective(network: network, content: targetContent, styles: targetStyles,
                                           blend: options.styleBlend, options: options)
        let optimizer: Optimizer = switch options.optimizer {
        case .lbfgs: try LBFGS(historySize: options.history, learningRate: options.effectiveLearningRate,
                               bounds: options.bounded ? .pixelRange : nil)
        case .adam: try Adam(learningRate: options.effectiveLearningRate, bounds: options.bounded ? .pixelRange : nil)
        }

        let channels = x.count / (height * width)
        func displayable(_ v: [Float]) -> Tensor {
            let t = Tensor(shape: [channels, height, width], data: v)
            switch options.colors {
            case .luminance: return ColorSpace.combine(luminance: t, chromaOf: content)
            case .yuv: return ColorSpace.combine(luminance: ColorSpace.luminance(t), chromaOf: content)
            case .none, .match: return t
            }
        }

        let start = DispatchTime.now().uptimeNanoseconds
        var lastFinite = x
        var interrupted = false
        var evaluations = 0
        do {
            let result = try optimizer.minimize(x: &x, evaluations: options.iterations, objective: { v, g in
                try objective.evaluate(v, gradient: &g)
            }, onEvaluation: { k, _, v in
                evaluations = k
                lastFinite = v
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let keepGoing = progress(TransferProgress(iteration: k, total: options.iterations,
                                                          terms: objective.terms, elapsed: elapsed),
                                         { displayable(v) })
                if !keepGoing { interrupted = true }
                return keepGoing
            })
            evaluations = result.evaluations
        } catch OptimizerError.nonFiniteValue(let k, _) {
            throw TransferFailure(error: .nonFinite(iteration: k), lastImage: displayable(lastFinite))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let finalTerms = objective.terms

        // The objective of the image as it will be saved: 8-bit rounded and clamped.
        var quantized = x.map { min(max($0.rounded(), 0), 255) }
        var scratch = [Float](repeating: 0, count: x.count)
        _ = try objective.evaluate(quantized, gradient: &scratch)
        let quantizedTerms = objective.terms
        quantized = []
        return TransferResult(image: displayable(x), finalTerms: finalTerms, quantizedTerms: quantizedTerms,
                              iterations: evaluations, interrupted: interrupted, seconds: seconds)
    }

    /// The starting point of the optimisation, flattened `[C, H, W]`.
    static func start(options: TransferOptions, content: Tensor, initialImage: Tensor?, luminanceOnly: Bool,
                      height: Int, width: Int) throws -> [Float] {
        let channels = luminanceOnly ? 1 : 3
        func prepared(_ rgb: Tensor) throws -> [Float] {
            guard rgb.shape == [3, height, width] else {
                throw VGGError.badShape(expected: [3, height, width], got: rgb.shape, what: "initial image")
            }
            return luminanceOnly ? ColorSpace.luminance(rgb).data : rgb.data
        }
        switch options.initial {
        case .noise:
            var rng = SeededRandom(seed: options.seed)
            return (0..<(channels * height * width)).map { _ in Float(127.5 + 16 * rng.gaussian()) }
        case .content:
            return try prepared(content)
        case .style, .file:
            guard let initialImage else { throw TransferError.invalidOption("the initial image was not given") }
            return try prepared(initialImage)
        }
    }
}

/// A failed transfer that still has an image worth saving (the last finite one).
public struct TransferFailure: Error, CustomStringConvertible {
    public var error: TransferError
    public var lastImage: Tensor
    public var description: String { error.description }
}

/// Reproducible random numbers (SplitMix64 with Box–Muller Gaussians).
public struct SeededRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    public mutating func uniform() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992 }

    /// Standard normal.
    public mutating func gaussian() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}

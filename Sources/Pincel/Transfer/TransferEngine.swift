import PincelCore
import PincelWeights
import PincelImaging
import Foundation

/// The optimisation of Gatys, Ecker & Bethge's objective, coarse to fine, on images already
/// loaded and sized: the synchronous core under ``StyleTransfer``, which loads the images,
/// validates the settings and runs this on its own thread.
package enum TransferEngine {
    /// Runs a transfer on images already loaded and sized.
    ///
    /// With several scales (see ``ScalePlan``) the transfer first runs on the images
    /// shrunk (Lanczos) to the smallest scale, then upsamples its result as the start of
    /// the next scale, with style targets recomputed at each scale from the style images
    /// shrunk by the same factor.
    ///
    /// - Parameters:
    ///   - content: RGB `[3, H, W]`, 0…255; the result has its size.
    ///   - styles: RGB `[3, h, w]` each, any size (already scaled by `styleScale`).
    ///   - initialImage: the image for `.style` / `.file` starts, RGB at the content's size
    ///     (ignored for `.noise` and `.content`).
    ///   - progress: called after every evaluation with the state and a function that gives
    ///     the current image as RGB at the current scale; return `false` to stop (the
    ///     current image is kept).
    ///   - reusable: a network kept between runs (``ReusableNetwork``); `nil` makes one for this run.
    package static func run(content: Tensor, styles: [Tensor], weights: VGG19Weights, options: TransferOptions,
                    initialImage: Tensor? = nil, spatial: LoadedSpatial? = nil, pixelTerm: (any PixelTerm)? = nil,
                    reusing reusable: ReusableNetwork? = nil,
                    progress: (TransferProgress, @escaping @Sendable () -> Tensor) -> Bool = { _, _ in true }) throws -> TransferResult {
        guard content.shape.count == 3, content.shape[0] == 3 else {
            throw VGGError.badShape(expected: [3, -1, -1], got: content.shape, what: "content image")
        }
        guard !styles.isEmpty else { throw TransferError.invalidOption("at least one style image is needed") }
        let (height, width) = (content.shape[1], content.shape[2])
        let size = max(height, width)
        let plan = try ScalePlan(size: size, iterations: options.iterations, scales: options.scales,
                                 scaleIterations: options.scaleIterations)
        let network = try reusable?.network(weights: weights, options: options)
            ?? ComputeBackends.makeNetwork(weights: weights, options: options)
        let clock = DispatchTime.now().uptimeNanoseconds
        var x: [Float] = []
        var done = 0
        var outcome = ScaleOutcome(x: [], terms: .init(), quantized: .init(), evaluations: 0, interrupted: false)
        var current = content
        for (k, step) in plan.steps.enumerated() {
            let last = k + 1 == plan.steps.count
            current = last ? content : try ImageIO.resize(content, longerSide: step.side)
            let scaledStyles = last ? styles : try Self.scaled(styles, by: Double(step.side) / Double(size))
            let (h, w) = (current.shape[1], current.shape[2])
            let start: [Float]
            if k == 0 {
                let initial = try initialImage.map { try ImageIO.resize($0, width: w, height: h) }
                start = try Self.start(options: options, content: current, initialImage: initial,
                                       luminanceOnly: options.colors == .luminance, height: h, width: w)
            } else {
                start = try upsample(x, channels: x.count / (outcome.height * outcome.width),
                                     from: (outcome.height, outcome.width), to: (h, w), bounded: options.bounded)
            }
            // L-BFGS's curvature scale carries over: the objective is a mean over pixels, so its
            // Hessian shrinks (and the inverse-curvature scale grows) with the pixel count.
            let curvature = outcome.inverseCurvature.map { $0 * Double(start.count) / Double(x.count) }
            do {
                outcome = try optimise(content: current, styles: scaledStyles, start: start, network: network,
                                       options: options, spatial: spatial?.scaled(height: h, width: w), iterations: step.iterations, measureQuantized: last,
                                       inverseCurvature: curvature, clock: clock, pixelTerm: last ? pixelTerm : nil) { p, image in
                    var p = p
                    p.iteration += done
                    p.total = plan.iterations
                    p.scale = k + 1
                    p.scales = plan.steps.count
                    p.side = step.side
                    return progress(p, image)
                }
            } catch let failure as ScaleFailure {
                throw try TransferFailure(failure, evaluationsBefore: done, terms: outcome.terms, plan: plan,
                                          content: content, options: options, clock: clock)
            }
            x = outcome.x
            done += outcome.evaluations
            if outcome.interrupted { break }
        }
        let image = try finalImage(x, at: current, content: content, colors: options.colors, mask: spatial?.mask)
        let stop: TransferResult.Stop = outcome.interrupted ? .cancelled : outcome.converged ? .converged : .completed
        return TransferResult(image: image, finalTerms: outcome.terms, quantizedTerms: outcome.quantized,
                              iterations: done, plannedIterations: plan.iterations, seed: options.seed ?? 0, stop: stop,
                              seconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
    }

    /// The style images shrunk by `factor` (Lanczos; the longer side at least 32).
    static func scaled(_ styles: [Tensor], by factor: Double) throws -> [Tensor] {
        try styles.map { style in
            try ImageIO.resize(style, longerSide: max(32, Int((Double(max(style.shape[1], style.shape[2])) * factor).rounded())))
        }
    }

    /// The result: the image of `x` (at `current`'s size), brought to the content's size when
    /// the run stopped before the last scale, and blended into the content outside the mask.
    static func finalImage(_ x: [Float], at current: Tensor, content: Tensor, colors: ColorPreservation,
                           mask: [Float]?) throws -> Tensor {
        var image = displayable(x, content: current, colors: colors)
        if image.shape != content.shape {  // stopped before the last scale
            image = try ImageIO.resize(image, width: content.shape[2], height: content.shape[1])
            image.data = image.data.map { min(max($0, 0), 255) }
        }
        if let mask { image = MaskBlend(mask: mask, content: content.data).composite(image) }
        return image
    }

    struct ScaleOutcome {
        var x: [Float]
        var terms: GatysObjective.Terms
        var quantized: GatysObjective.Terms
        var evaluations: Int
        var interrupted: Bool
        /// The convergence test ended this scale before its iteration cap.
        var converged = false
        /// L-BFGS's final inverse-curvature scale (`nil` for Adam).
        var inverseCurvature: Double? = nil
        var height = 0
        var width = 0
    }

    /// The image the user sees for optimisation variable `x` (RGB, or luminance combined
    /// with the content's chroma).
    static func displayable(_ x: [Float], content: Tensor, colors: ColorPreservation) -> Tensor {
        let (h, w) = (content.shape[1], content.shape[2])
        let t = Tensor(shape: [x.count / (h * w), h, w], data: x)
        switch colors {
        case .luminance: return ColorSpace.combine(luminance: t, chromaOf: content)
        case .yuv: return ColorSpace.combine(luminance: ColorSpace.luminance(t), chromaOf: content)
        case .none, .match: return t
        }
    }

    /// Lanczos upsampling of a `[channels, H, W]` variable to a new size.
    static func upsample(_ x: [Float], channels: Int, from: (Int, Int), to: (Int, Int), bounded: Bool) throws -> [Float] {
        let rgb = channels == 3 ? x : x + x + x
        let resized = try ImageIO.resize(Tensor(shape: [3, from.0, from.1], data: rgb), width: to.1, height: to.0)
        let out = channels == 3 ? resized.data : Array(resized.data.prefix(to.0 * to.1))
        return bounded ? out.map { min(max($0, 0), 255) } : out
    }

    /// One scale: builds the targets and runs the optimiser from `start`.
    static func optimise(content: Tensor, styles: [Tensor], start: [Float], network: any FeatureNetwork,
                         options: TransferOptions, spatial: (guides: StyleGuides?, mask: [Float]?)? = nil,
                         iterations: Int, measureQuantized: Bool,
                         inverseCurvature: Double? = nil, clock: UInt64, pixelTerm: (any PixelTerm)? = nil,
                         progress: (TransferProgress, @escaping @Sendable () -> Tensor) -> Bool) throws -> ScaleOutcome {
        let (height, width) = (content.shape[1], content.shape[2])
        let (targetContent, targetStyles) = targets(content: content, styles: styles, colors: options.colors)
        let objective = try GatysObjective(network: network, content: targetContent, styles: targetStyles,
                                           spec: ObjectiveSpec(options), guides: spatial?.guides)
        objective.pixelTerm = pixelTerm
        let masked = spatial?.mask.map { MaskedVariable(mask: $0, content: targetContent.data) }
        let optimizer = try makeOptimizer(options: options, variables: start.count, height: height, width: width,
                                          inverseCurvature: inverseCurvature)
        var x = start
        var interrupted = false
        var evaluations = 0
        var converged = false
        do {
            let tolerance = ConvergenceTolerance(windowedDecrease: options.convergenceTolerance,
                                                 window: options.convergenceWindow)
            let result = try optimizer.minimize(x: &x, evaluations: iterations, tolerance: tolerance, objective: { v, g in
                if let masked { return try masked.evaluate(v, gradient: &g, objective: objective) }
                return try objective.evaluate(v, gradient: &g)
            }, onEvaluation: { k, value, v in
                evaluations = k
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
                let keepGoing = progress(TransferProgress(iteration: k, total: iterations, terms: objective.terms,
                                                          elapsed: elapsed, rejectedTrial: optimizer.rejectsTrial(value: value)),
                                         { [blend = masked?.blend] in displayable(blend?.compose(v) ?? v, content: content, colors: options.colors) })
                if !keepGoing { interrupted = true }
                return keepGoing
            })
            evaluations = result.evaluations
            if let masked { x = masked.blend.compose(x) }
            converged = result.stopReason == .converged
            if result.returnedEarlierPoint {
                // The last trial was worse and `x` is the best earlier point: refresh the terms.
                var scratch = [Float](repeating: 0, count: x.count)
                _ = try objective.evaluate(x, gradient: &scratch)
            }
        } catch OptimizerError.nonFiniteValue(let k, _) {
            throw ScaleFailure(iteration: k, lastImage: displayable(masked?.blend.compose(x) ?? x, content: content,
                                                                     colors: options.colors))
        }
        let terms = objective.terms
        var quantizedTerms = terms
        if measureQuantized && !interrupted {  // a cancelled run returns at once
            // The objective of the image as it will be saved: 8-bit rounded and clamped.
            let quantized = x.map { min(max($0.rounded(), 0), 255) }
            var scratch = [Float](repeating: 0, count: x.count)
            _ = try objective.evaluate(quantized, gradient: &scratch)
            quantizedTerms = objective.terms
        }
        return ScaleOutcome(x: x, terms: terms, quantized: quantizedTerms, evaluations: evaluations,
                            interrupted: interrupted, converged: converged, inverseCurvature: (optimizer as? LBFGS)?.inverseCurvature,
                            height: height, width: width)
    }

    /// The content and style images the objective matches, in the colours it works in: the
    /// luminance (the styles' matched to the content's mean and spread), the styles' colours
    /// matched to the content's, or RGB as given.
    static func targets(content: Tensor, styles: [Tensor], colors: ColorPreservation) -> (content: Tensor, styles: [Tensor]) {
        let contentLuma = ColorSpace.luminance(content)
        let targetContent = colors == .luminance ? contentLuma : content
        let targetStyles: [Tensor] = styles.map { style in
            switch colors {
            case .luminance: return ColorSpace.matchMeanAndSpread(ColorSpace.luminance(style), to: contentLuma)
            case .match: return ColorSpace.matchColors(style, to: content)
            case .none, .yuv: return style
            }
        }
        return (targetContent, targetStyles)
    }

    /// The optimiser the options choose, for `variables` values of a `height` x `width` image:
    /// L-BFGS (with its carried-over curvature scale and the scale-space preconditioner) or Adam.
    static func makeOptimizer(options: TransferOptions, variables: Int, height: Int, width: Int,
                              inverseCurvature: Double?) throws -> Optimizer {
        switch options.optimizer {
        case .lbfgs:
            try LBFGS(historySize: options.effectiveHistory(variables: variables), learningRate: options.effectiveLearningRate,
                      bounds: options.bounded ? .pixelRange : nil, initialInverseCurvature: inverseCurvature,
                      preconditioner: options.preconditionLevels > 0
                          ? try ScaleSpacePreconditioner(channels: variables / (height * width), height: height, width: width,
                                                         levels: options.preconditionLevels)
                          : nil)
        case .adam: try Adam(learningRate: options.effectiveLearningRate, bounds: options.bounded ? .pixelRange : nil)
        }
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
            var rng = SeededRandom(seed: options.seed ?? 0)
            return (0..<(channels * height * width)).map { _ in Float(127.5 + 16 * rng.gaussian()) }
        case .content:
            return try prepared(content)
        case .style, .image, .instant:
            guard let initialImage else { throw TransferError.invalidOption("the initial image was not given") }
            return try prepared(initialImage)
        }
    }
}

/// A scale whose objective became NaN or infinite, with its last finite image (scale size).
struct ScaleFailure: Error {
    var iteration: Int
    var lastImage: Tensor
}

extension TransferFailure {
    /// The run's failure from a scale's: the last finite image brought to the content's size and
    /// clamped, evaluations counted over all scales.
    init(_ failure: ScaleFailure, evaluationsBefore done: Int, terms: GatysObjective.Terms, plan: ScalePlan,
         content: Tensor, options: TransferOptions, clock: UInt64) throws {
        var image = failure.lastImage
        if image.shape != content.shape {
            image = try ImageIO.resize(image, width: content.shape[2], height: content.shape[1])
        }
        image.data = image.data.map { $0.isFinite ? min(max($0, 0), 255) : 0 }
        let partial = TransferResult(image: image, finalTerms: terms, quantizedTerms: terms,
                                     iterations: done + failure.iteration, plannedIterations: plan.iterations,
                                     seed: options.seed ?? 0, stop: .failed,
                                     seconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
        self.init(error: .nonFinite(iteration: done + failure.iteration), partialResult: partial)
    }
}

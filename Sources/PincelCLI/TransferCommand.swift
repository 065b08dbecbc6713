import ArgumentParser
import Foundation
import Pincel

/// `pincel --content C --style S --output O`: the style transfer.
struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Paint the content photo in the style of one or more paintings (the default command).",
        discussion: PincelCommand.exitCodes
    )

    @Option(help: "The content photo.") var content: String
    @Option(help: "A style painting (repeat for several).") var style: [String] = []
    @Option(help: "Where to write the result (.png, .jpg, .webp, .tif).") var output: String
    @Option(help: "Longer side of the result in pixels.") var size = 512
    @Option(help: "Objective evaluations.") var iterations = 1000
    @Option(help: "Weight of the content loss.") var contentWeight: Float = 5
    @Option(help: "Weight of the style loss.") var styleWeight: Float = 100
    @Option(help: "Weight of the total-variation smoothing.") var tvWeight: Float = 1e-3
    @Option(help: "Total-variation norm: l1 or l2.") var tvNorm = "l2"
    @Option(help: "Start image: noise, content, style, or a file path.") var `init` = "noise"
    @Option(help: "Optimiser: lbfgs or adam.") var optimizer = "lbfgs"
    @Option(help: "Step length (L-BFGS, default 1) or learning rate (Adam, default 10).") var learningRate: Float?
    @Option(help: "Random seed (default: a new one, printed).") var seed: UInt64?
    @Option(help: "Blend weights for several styles, e.g. 0.7,0.3.") var styleBlend: String?
    @Option(help: "Style image size relative to --size.") var styleScale: Float = 1
    @Option(help: "Content layers, e.g. relu4_2 or relu4_2:1,relu5_2:0.5.") var contentLayers = "relu4_2"
    @Option(help: "Style layers with optional weights, e.g. relu1_1:0.2,relu2_1.")
    var styleLayers = "relu1_1,relu2_1,relu3_1,relu4_1,relu5_1"
    @Option(help: "Pooling: max or avg.") var pooling = "max"
    @Option(help: "Colour preservation: none, luminance, match or yuv.") var preserveColors = "none"
    @Option(help: "Save an intermediate image every N iterations (0 = never).") var saveEvery = 0
    @Option(help: "Write one row per evaluation (iteration, scale, side, elapsed seconds, each loss term, rejected trial 0/1) to this CSV file; the saved image's terms follow as a '# saved,...' comment line.")
    var log: String?
    @Option(help: "Stop a scale once its objective fell by less than this fraction over the last 20 iterations (0: always run --iterations).")
    var tolerance: Float = 1e-3
    @Option(help: "Output bits per channel: 8 or 16 (16 for PNG and TIFF).") var outputDepth = 8
    @Option(help: "JPEG / WebP quality, 1-100.") var quality = 92
    @Flag(help: "Let pixels leave 0…255 during optimisation (the classic behaviour).") var unbounded = false
    @Option(help: "L-BFGS history length.") var history = 100
    @Option(help: "Levels of L-BFGS's scale-space preconditioner (0: plain L-BFGS).")
    var preconditionLevels = 6
    @Option(help: "Coarse-to-fine scales (default: from 128 px doubling up to --size; 1 = single scale).")
    var scales: Int?
    @Option(help: "Iterations per scale, smallest first, e.g. 400,200,100 (overrides --iterations).")
    var scaleIterations: String?
    @Option(help: "Convolution algorithm: winograd or direct.") var algorithm = "winograd"
    @Option(help: "Precision: f32 or bf16.") var precision = "f32"
    @Option(help: RecomputeChoice.help) var recompute: RecomputeChoice = .auto
    @Option(help: "VGG19 weights file (default: $PINCEL_WEIGHTS, then the cache filled by `make weights`).")
    var weights: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "Refuse input images with more pixels than this.") var maxPixels = 100_000_000
    @Flag(help: "No progress output.") var quiet = false

    mutating func validate() throws {
        _ = try makeOptions(seed: 0)
        guard !style.isEmpty else { throw ValidationError.oneLine("give at least one --style image") }
        let ext = (output as NSString).pathExtension.lowercased()
        guard ["png", "jpg", "jpeg", "webp", "tif", "tiff"].contains(ext) else {
            throw ValidationError.oneLine("--output must end in .png, .jpg, .webp or .tif")
        }
        guard outputDepth == 8 || outputDepth == 16 else { throw ValidationError.oneLine("--output-depth must be 8 or 16") }
        guard outputDepth == 8 || ["png", "tif", "tiff"].contains(ext) else {
            throw ValidationError.oneLine("--output-depth 16 needs a .png or .tif output")
        }
        try checkFiles(iterations: try makeOptions(seed: 0).iterations)
        try checkMemory()
    }

    var objectiveFlags: ObjectiveFlags {
        ObjectiveFlags(contentWeight: contentWeight, styleWeight: styleWeight, tvWeight: tvWeight, tvNorm: tvNorm,
                       styleScale: styleScale, contentLayers: contentLayers, styleLayers: styleLayers)
    }

    /// All transfer settings from the command line; throws ValidationError on bad values.
    func makeOptions(seed: UInt64) throws -> TransferOptions {
        try checkIntegerOptions()
        var o = TransferOptions()
        if let lr = learningRate { guard lr.isFinite, lr > 0 else { throw ValidationError.oneLine("--learning-rate must be positive") } }
        try objectiveFlags.apply(to: &o)
        o.size = size
        o.iterations = iterations
        o.initial = InitialImage(argument: self.`init`)
        guard let opt = OptimizerKind(rawValue: optimizer) else { throw ValidationError.oneLine("--optimizer must be lbfgs or adam") }
        o.optimizer = opt
        o.learningRate = learningRate
        o.history = history
        o.preconditionLevels = preconditionLevels
        o.bounded = !unbounded
        o.seed = seed
        if let styleBlend {
            let ws = styleBlend.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard ws.allSatisfy({ $0.map { $0.isFinite && $0 >= 0 } ?? false }) else {
                throw ValidationError.oneLine("--style-blend must be non-negative numbers separated by commas")
            }
            let weights = ws.compactMap { $0 }
            guard weights.count == style.count else {
                throw ValidationError.oneLine("--style-blend has \(weights.count) weights for \(style.count) --style images; give one per style")
            }
            guard weights.reduce(0, +) > 0 else { throw ValidationError.oneLine("--style-blend weights must not all be zero") }
            o.styleBlend = weights
        }
        guard let colors = ColorPreservation(rawValue: preserveColors) else {
            throw ValidationError.oneLine("--preserve-colors must be none, luminance, match or yuv")
        }
        o.colors = colors
        guard let pool = PoolingMode(rawValue: pooling) else { throw ValidationError.oneLine("--pooling must be max or avg") }
        guard let alg = ConvolutionAlgorithm(rawValue: algorithm) else { throw ValidationError.oneLine("--algorithm must be winograd or direct") }
        guard let prec = ComputePrecision(rawValue: precision) else { throw ValidationError.oneLine("--precision must be f32 or bf16") }
        o.network = NetworkOptions(pooling: pool, algorithm: alg, precision: prec, threads: threads,
                                   recomputeEarlyBlocks: recompute.setting)
        o.maxPixels = maxPixels
        guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else {
            throw ValidationError.oneLine("--tolerance must be at least 0 and below 1 (0 turns the convergence test off)")
        }
        o.convergenceTolerance = tolerance
        o.scales = scales
        if let its = try parsedScaleIterations() {
            o.scaleIterations = its
            if let scales, scales != its.count {
                throw ValidationError.oneLine("--scale-iterations lists \(its.count) scales but --scales is \(scales)")
            }
        }
        do {
            let plan = try ScalePlan(size: size, iterations: iterations, scales: o.scales, scaleIterations: o.scaleIterations)
            o.iterations = plan.iterations
        } catch {
            throw ValidationError.oneLine("\(error)")
        }
        return o
    }

    func run() throws {
        let seed = self.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let options = try makeOptions(seed: seed)
        var reporter = ProgressReporter(quiet: quiet)
        reporter.note("seed: \(seed)")

        let weightsPath = try WeightsLocator.resolve(explicit: weights)
        let vgg = try VGG19Weights.load(contentsOf: weightsPath)
        try InterruptFlag.exitIfRaised(reporter)
        let contentImage = try ImageIO.load(content, longerSide: size, maxPixels: maxPixels)
        let styleSide = max(32, Int((Float(size) * styleScale).rounded()))
        let styles = try style.map { try ImageIO.load($0, longerSide: styleSide, maxPixels: maxPixels) }
        let (h, w) = (contentImage.shape[1], contentImage.shape[2])
        reporter.note("content \(w)x\(h), style " + styles.map { "\($0.shape[2])x\($0.shape[1])" }.joined(separator: ", "))
        var initial: Tensor? = nil
        switch options.initial {
        case .style: initial = try ImageIO.resize(styles[0], width: w, height: h)
        case .file(let p): initial = try ImageIO.load(p, width: w, height: h, maxPixels: maxPixels)
        case .noise, .content: break
        }

        try InterruptFlag.exitIfRaised(reporter)
        let csv = try log.map { try CSVLog(path: $0) }
        let saveOptions = ImageSaveOptions(bitDepth: outputDepth, quality: quality, text: metadata(seed: seed))
        let result: TransferResult
        do {
            result = try StyleTransfer.run(content: contentImage, styles: styles, weights: vgg, options: options,
                                           initialImage: initial) { p, current in
                reporter.report(p)
                csv?.append(p)
                if saveEvery > 0, p.iteration % saveEvery == 0, p.iteration < p.total {
                    let path = Self.intermediatePath(output, iteration: p.iteration)
                    do { try ImageIO.save(current(), to: path, options: saveOptions) } catch {
                        reporter.note("warning: could not save \(path): \(error)")
                    }
                }
                return !InterruptFlag.isRaised
            }
        } catch let failure as TransferFailure {
            reporter.finish()
            try ImageIO.save(failure.lastImage, to: output, options: saveOptions)
            StandardError.write("Error: \(failure.error); the last finite image was written to \(output)\n")
            throw ExitCode.failure
        }
        if result.interrupted { reporter.finish() }
        try ImageIO.save(result.image, to: output, options: saveOptions)
        csv?.appendSaved(result)
        try csv?.close()
        reporter.note(String(format: "objective: optimiser %.6g, as saved (8-bit) %.6g; %.1f s, %d iterations",
                             Double(result.finalTerms.total), Double(result.quantizedTerms.total),
                             result.seconds, result.iterations))
        print(output)
        if result.interrupted { throw ExitCode(130) }
    }

    /// Text written into the output PNG so a result can be reproduced.
    func metadata(seed: UInt64) -> [String: String] {
        let args = CommandLine.arguments.dropFirst().map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        return ["Software": "Pincel \(PincelInfo.version)", "pincel-seed": String(seed),
                "pincel-command": "pincel \(args)"]
    }

    static func intermediatePath(_ output: String, iteration: Int) -> String {
        let ns = output as NSString
        let ext = ns.pathExtension
        return String(format: "%@-%05d.%@", ns.deletingPathExtension, iteration, ext)
    }
}

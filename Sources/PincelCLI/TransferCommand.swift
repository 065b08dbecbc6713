import ArgumentParser
import Foundation
import Pincel

/// `pincel --content C --style S --output O`: the style transfer.
struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Paint the content photo in the style of one or more paintings (the default command).",
        discussion: PincelCommand.exitCodes
    )

    @Option(help: "The content photo.") var content: String
    @Option(help: "A style painting (repeat for several).") var style: [String] = []
    @Option(help: "Where to write the result (.png, .jpg, .jpeg, .webp, .tif, .tiff; the seed and command are stored in its metadata).") var output: String
    @Option(help: "Longer side of the result in pixels.") var size = 512
    @Option(help: "Most objective evaluations, over all scales (--tolerance usually stops earlier).")
    var iterations = 500
    @Option(help: "Weight of the content loss.") var contentWeight: Float = 5
    @Option(help: "Weight of the style loss.") var styleWeight: Float = 100
    @Option(help: "Weight of the total-variation smoothing.") var tvWeight: Float = 1e-3
    @Option(help: "Total-variation norm.") var tvNorm: TVNormChoice = .l2
    @Option(help: "Start image: noise, content, style (any case), or a file path.") var `init` = "noise"
    @Option(help: "Optimiser.") var optimizer: OptimizerKind = .lbfgs
    @Option(help: "Step length (L-BFGS, default 1) or learning rate (Adam, default 10).") var learningRate: Float?
    @Option(help: "Random seed (default: a new one, printed).") var seed: UInt64?
    @Option(help: "Blend weights for several styles, e.g. 0.7,0.3.") var styleBlend: String?
    @Option(help: ArgumentHelp(SpatialFlags.styleMaskHelp)) var styleMask: [String] = []
    @Option(help: ArgumentHelp(SpatialFlags.styleRegionHelp)) var styleRegion: [String] = []
    @Option(help: ArgumentHelp(SpatialFlags.maskHelp)) var mask: String?
    @Option(help: ArgumentHelp(SpatialFlags.featherHelp)) var maskFeather: Int?
    @Option(help: ArgumentHelp(SpatialFlags.guideHelp)) var guide: SpatialControl.GuideMode = .downsampled
    @Option(help: "Style image size relative to --size.") var styleScale: Float = 1
    @Option(help: "Content layers, e.g. relu4_2 or relu4_2:1,relu5_2:0.5.") var contentLayers = "relu4_2"
    @Option(help: "Style layers with optional weights, e.g. relu1_1:0.2,relu2_1.")
    var styleLayers = "relu1_1,relu2_1,relu3_1,relu4_1,relu5_1"
    @Option(help: "Pooling.") var pooling: PoolingMode = .max
    @Option(help: ArgumentHelp(ColorPreservation.help)) var preserveColors: ColorPreservation = .none
    @Option(help: "Save an intermediate image every N iterations (0 = never).") var saveEvery = 0
    @Option(help: "Write one row per evaluation (iteration, scale, side, elapsed seconds, each loss term, rejected trial 0/1) to this CSV file; the saved image's terms follow as a '# saved,...' comment line.")
    var log: String?
    @Option(help: "Stop a scale once its objective fell by less than this fraction over the last 20 iterations (0: always run --iterations).")
    var tolerance: Float = 2e-3
    @Option(help: "Output bits per channel: 8 or 16 (16 for PNG and TIFF).") var outputDepth = 8
    @Option(help: "JPEG / WebP quality, 1-100.") var quality = 92
    @Flag(help: "Let pixels leave 0…255 during optimisation (the classic behaviour).") var unbounded = false
    @Option(help: "L-BFGS history length.") var history = 100
    @Option(help: "Levels of L-BFGS's scale-space preconditioner (0: plain L-BFGS).")
    var preconditionLevels = 6
    @Option(help: "Coarse-to-fine scales (default: one up to 1023 px; above, from 512 px doubling up to --size).")
    var scales: Int?
    @Option(help: "Iterations per scale, smallest first, e.g. 400,200,100 (overrides --iterations).")
    var scaleIterations: String?
    @Option(help: "Convolution algorithm.") var algorithm: ConvolutionAlgorithm = .winograd
    @Option(help: "Precision of the network.") var precision: ComputePrecision = .f32
    @Option(help: RecomputeChoice.help) var recompute: RecomputeChoice = .auto
    @Option(help: "VGG19 weights file (default: $PINCEL_WEIGHTS, then the cache filled by `make weights`).")
    var weights: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "Refuse input images with more pixels than this; also limits --size (size x size at most this).")
    var maxPixels = 100_000_000
    @Option(help: ArgumentHelp(ProgressReporter.printEveryHelp)) var printEvery: Int?
    @Flag(help: ArgumentHelp(ProgressReporter.quietHelp)) var quiet = false

    mutating func validate() throws {
        guard !style.isEmpty else { throw ValidationError.oneLine("give at least one --style image") }
        try bounded(quality, OptionBounds.quality, flag: "--quality")
        try OutputPreflight.checkFormat(output, depth: outputDepth, quality: quality)
    }

    var objectiveFlags: ObjectiveFlags {
        ObjectiveFlags(contentWeight: contentWeight, styleWeight: styleWeight, tvWeight: tvWeight, tvNorm: tvNorm,
                       styleScale: styleScale, contentLayers: contentLayers, styleLayers: styleLayers)
    }

    func run() async throws {
        let seed = self.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let request = try makeRequest(seed: seed)
        try checkFiles(iterations: request.options.iterations)
        try checkMemory(request.options)
        let reporter = ProgressReporter(quiet: quiet, printEvery: printEvery)
        reporter.noteSeed(seed, chosen: self.seed == nil)

        let vgg = try CommandLineWeights.load(weights)
        try InterruptFlag.exitIfRaised(reporter)
        let transfer = try validatingSettings { try StyleTransfer(request, weights: vgg) }
        let csv = try log.map { try CSVLog(path: $0) }
        let console = TransferConsole(reporter: reporter, csv: csv, output: output, saveEvery: saveEvery,
                                      saveOptions: ImageSaveOptions(bitDepth: outputDepth, quality: quality,
                                                                    text: metadata(seed: seed)))
        let result: TransferResult
        do {
            result = try await InterruptFlag.cancellingOnInterrupt { try await transfer.run(onEvent: console.handle) }
        } catch let failure as TransferFailure {
            console.finishLine()
            try ImageIO.save(failure.lastImage, to: output, options: console.saveOptions)
            StandardError.write("Error: \(failure.error); the last finite image was written to \(output)\n")
            throw ExitCode.failure
        } catch is CancellationError {
            reporter.note("interrupted before the transfer started; nothing was written")
            throw ExitCode(130)
        }
        console.finishLine()
        var save = console.saveOptions
        if result.interrupted {
            save.text["pincel-stopped"] = "interrupted at iteration \(result.iterations) of \(result.plannedIterations)"
        }
        try ImageIO.save(result.image, to: output, options: save)
        csv?.appendSaved(result)
        try csv?.close()
        if result.interrupted {
            StandardError.write("Interrupted at iteration \(result.iterations) of \(result.plannedIterations); "
                                + "the current image was saved (seed \(seed)).\n")
        }
        // Two short lines, so neither wraps on an 80-column terminal.
        if result.interrupted {
            reporter.note(String(format: "objective: optimiser %.6g (not scored as saved: interrupted)",
                                 Double(result.finalTerms.total)))
        } else {
            reporter.note(String(format: "objective: optimiser %.6g, as saved (8-bit) %.6g",
                                 Double(result.finalTerms.total), Double(result.quantizedTerms.total)))
        }
        reporter.note(String(format: "%.1f s, %d iterations%@", result.seconds, result.iterations,
                             result.stop == .converged ? " (converged)" : ""))
        print(output)
        if result.interrupted { throw ExitCode(130) }
    }

    /// Text written into the output (PNG text chunks, or XMP) so a result can be reproduced.
    func metadata(seed: UInt64) -> [String: String] {
        let args = CommandLine.arguments.dropFirst().map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        return ["Software": "Pincel \(PincelInfo.version)", "pincel-seed": String(seed),
                "pincel-command": "pincel \(args)"].merging(spatialMetadata) { a, _ in a }
    }

    static func intermediatePath(_ output: String, iteration: Int) -> String {
        let ns = output as NSString
        let ext = ns.pathExtension
        return String(format: "%@-%05d.%@", ns.deletingPathExtension, iteration, ext)
    }
}

import ArgumentParser
import Pincel

/// The transfer settings `pincel transfer` and `pincel video` share, one declaration for both,
/// so a video frame is made with the same flags, names and defaults as a still.
struct TransferSettingsOptions: ParsableArguments {
    @Option(help: "A style painting (repeat for several).") var style: [String] = []
    @Option(help: "Longer side of the result in pixels (a video's frames: rounded to even sides).") var size = 512
    @Option(help: "Weight of the content loss.") var contentWeight: Float = 5
    @Option(help: "Weight of the style loss.") var styleWeight: Float = 100
    @Option(help: "Weight of the total-variation smoothing.") var tvWeight: Float = 1e-3
    @Option(help: "Total-variation norm.") var tvNorm: TVNormChoice = .l2
    @Option(help: "Start image (a video's first frame): instant (the instant network's picture), noise (the paper's), content, style (any case), or a file path. (default: instant when its models are installed, else content)")
    var `init`: String?
    @Option(help: "Optimiser.") var optimizer: OptimizerKind = .lbfgs
    @Option(help: "Step length (L-BFGS, default 1) or learning rate (Adam, default 10).") var learningRate: Float?
    @Option(help: "Random seed (default: a new one, printed; a video keeps it in its work folder).") var seed: UInt64?
    @Option(help: "Blend weights for several styles, e.g. 0.7,0.3.") var styleBlend: String?
    @Option(help: "Style image size relative to --size.") var styleScale: Float = 1
    @Option(help: "Content layers, e.g. relu4_2 or relu4_2:1,relu5_2:0.5.") var contentLayers = "relu4_2"
    @Option(help: "Style layers with optional weights, e.g. relu1_1:0.2,relu2_1.")
    var styleLayers = "relu1_1,relu2_1,relu3_1,relu4_1,relu5_1"
    @Option(help: "Pooling.") var pooling: PoolingMode = .max
    @Option(help: ArgumentHelp(ColorPreservation.help)) var preserveColors: ColorPreservation = .none
    @Option(help: "Stop a scale (a video's frame) once its objective fell by less than this fraction over the last 20 iterations (0: always run the iterations).")
    var tolerance: Float = 2e-3
    @Option(help: "L-BFGS history length.") var history = 100
    @Option(help: "Levels of L-BFGS's scale-space preconditioner (0: plain L-BFGS).") var preconditionLevels = 6
    @Option(help: "Convolution algorithm.") var algorithm: ConvolutionAlgorithm = .winograd
    @Option(help: "Precision of the network.") var precision: ComputePrecision = .f32
    @Option(help: "VGG19 weights file (default: $PINCEL_WEIGHTS, then the cache filled by `make weights`).")
    var weights: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "Refuse input images with more pixels than this; also limits --size (size x size at most this).") var maxPixels = 100_000_000

    /// The start: `--init` as given or, by default, the instant network's picture (measured:
    /// BENCHMARKS.md, "Which start?"), or the photo when the instant models are not installed
    /// (`make weights` fetches them; the photo start comes second in that measurement).
    var initialImage: InitialImage {
        if let given = self.`init` { return InitialImage(argument: given) }
        return (try? InstantModelLocator.resolve(explicit: nil)) != nil ? .instant : .content
    }

    /// The start as the output's metadata records it (`pincel-init`): its `--init` word, or the
    /// file's path. The default depends on the installed models, so the command alone does not
    /// say which start a run had.
    var initialImageName: String {
        switch initialImage {
        case .noise: "noise"
        case .content: "content"
        case .style: "style"
        case .instant: "instant"
        case .image(.file(let path)): path
        case .image: "image"
        }
    }

    var objectiveFlags: ObjectiveFlags {
        ObjectiveFlags(contentWeight: contentWeight, styleWeight: styleWeight, tvWeight: tvWeight, tvNorm: tvNorm,
                       styleScale: styleScale, contentLayers: contentLayers, styleLayers: styleLayers)
    }

    /// The library's options from these flags (iterations, scales and the commands' own
    /// settings are the caller's).
    func transferOptions(seed: UInt64) throws -> TransferOptions {
        var o = TransferOptions()
        try objectiveFlags.apply(to: &o)
        o.size = size
        o.initial = initialImage
        o.optimizer = optimizer
        o.learningRate = learningRate
        o.history = history
        o.preconditionLevels = preconditionLevels
        o.seed = seed
        if let styleBlend {
            o.styleBlend = try parsedList(styleBlend, flag: "--style-blend", expected: "non-negative numbers") { Float($0) }
        }
        o.colors = preserveColors
        o.network = NetworkOptions(pooling: pooling, algorithm: algorithm, precision: precision, threads: threads)
        o.maxPixels = maxPixels
        o.convergenceTolerance = tolerance
        return o
    }
}

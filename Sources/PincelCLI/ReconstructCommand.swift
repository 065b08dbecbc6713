import ArgumentParser
import Pincel
import PincelFigures

/// `pincel reconstruct content|style`: the paper's reconstructions from white noise.
struct ReconstructCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Reconstruct an image from white noise at several VGG19 layers (the paper's Fig. 1), as a contact sheet.",
        discussion: PincelCommand.exitCodes,
        subcommands: [Content.self, Style.self]
    )

    /// The checks both subcommands run before any work.
    static func validate(image: String, layers: String, common: CommonOptions, sheet: SheetOutputOptions) throws {
        _ = try layerList(layers)
        try FigureCommandRunner.requireFiles([("--image", image)], sheet: sheet, weights: common.weights)
    }

    static func layerList(_ text: String) throws -> [WeightedLayer] {
        try ObjectiveFlags.layers(text, flag: "--layers")
    }

    struct Content: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Content reconstructions: noise optimised to match the image's activations at each layer.",
            discussion: "One tile per layer (content loss only, no total-variation term). Low layers give an "
                + "almost exact copy; higher layers keep the arrangement and lose the exact pixels. "
                + PincelCommand.exitCodes
        )
        @Option(help: "The image to reconstruct.") var image: String
        @Option(help: "Layers, one tile each.") var layers = "relu1_2,relu2_2,relu3_2,relu4_2,relu5_2"
        @Option(help: "Optimiser.") var optimizer: OptimizerKind = .lbfgs
        @OptionGroup var common: CommonOptions
        @OptionGroup var sheet: SheetOutputOptions

        func validate() throws {
            try ReconstructCommand.validate(image: image, layers: layers, common: common, sheet: sheet)
        }

        func run() async throws {
            let layers = try ReconstructCommand.layerList(layers)
            let input = try common.load(image)
            try await FigureCommandRunner.run(common: common, output: sheet) { options, weights, progress in
                var options = options
                options.optimizer = optimizer
                return try await Figures.contentReconstructions(image: input, layers: layers, weights: weights, options: options,
                                                   includeInput: !sheet.noInputs, progress: progress)
            }
        }
    }

    struct Style: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Style reconstructions: noise optimised to match the image's Gram matrices at nested layer sets.",
            discussion: "One tile per set {first layer}, {first two}, ... {all} (style loss only, each layer "
                + "weighted 1/N within its set, no total-variation term, Adam by default because L-BFGS progresses "
                + "slowly from noise on {relu1_1} and {relu1_1, relu2_1}). The texture grows in scale from set "
                + "to set and the scene's arrangement never appears. " + PincelCommand.exitCodes
        )
        @Option(help: "The image whose style is reconstructed.") var image: String
        @Option(help: "Layers whose nested prefixes are the sets.") var layers = "relu1_1,relu2_1,relu3_1,relu4_1,relu5_1"
        @Option(help: "Optimiser (L-BFGS is slow from noise on the sets without deep layers).")
        var optimizer: OptimizerKind = .adam
        @OptionGroup var common: CommonOptions
        @OptionGroup var sheet: SheetOutputOptions

        func validate() throws {
            try ReconstructCommand.validate(image: image, layers: layers, common: common, sheet: sheet)
        }

        func run() async throws {
            let sets = Figures.nestedStyleSets(try ReconstructCommand.layerList(layers))
            let input = try common.load(image)
            try await FigureCommandRunner.run(common: common, output: sheet) { options, weights, progress in
                var options = options
                options.optimizer = optimizer
                return try await Figures.styleReconstructions(image: input, layerSets: sets, weights: weights, options: options,
                                                 includeInput: !sheet.noInputs, progress: progress)
            }
        }
    }
}

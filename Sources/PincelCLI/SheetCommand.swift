import ArgumentParser
import Pincel
import PincelFigures

/// `pincel sheet ratio|init`: one transfer under several settings, as a contact sheet.
struct SheetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "The same style transfer under several settings side by side (the paper's Figs. 3 and 6).",
        discussion: PincelCommand.exitCodes,
        subcommands: [Ratio.self, Init.self]
    )

    struct Ratio: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One tile per content/style weight ratio, from mostly photo to mostly painting.",
            discussion: "Each tile is the transfer with content weight α = --content-weight and style weight "
                + "β = α / ratio, started from noise. The default ratios 50, 5, 0.5, 5e-2 (the default α = 5, "
                + "β = 100) and 5e-3 (style weights 1e-3 ... 1e1 times the default) go from the photo with a "
                + "hint of the painting's colours to the painting's texture with the photo's layout barely visible. " + PincelCommand.exitCodes
        )
        @Option(help: "The content photo.") var content: String
        @Option(help: "The style painting.") var style: String
        @Option(help: "Content/style weight ratios α/β, one tile each.") var ratios = "50,5,5e-1,5e-2,5e-3"
        @Option(help: "Content weight α (the style weight is α / ratio).") var contentWeight: Float = 5
        @OptionGroup var common: CommonOptions
        @OptionGroup var sheet: SheetOutputOptions

        func validate() throws {
            _ = try parsedRatios()
            guard contentWeight.isFinite, contentWeight > 0 else { throw ValidationError.oneLine("--content-weight must be positive") }
            try FigureCommandRunner.requireFiles([("--content", content), ("--style", style)], sheet: sheet, weights: common.weights)
        }

        func parsedRatios() throws -> [Float] {
            let values = ratios.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0.map { $0.isFinite && $0 > 0 } ?? false }) else {
                throw ValidationError.oneLine("--ratios must be positive numbers separated by commas, e.g. 5,5e-2,5e-4")
            }
            try bounded(values.count, OptionBounds.listLength, flag: "--ratios (the number of tiles)")
            return values.compactMap { $0 }
        }

        func run() async throws {
            let ratios = try parsedRatios()
            let (c, s) = (try common.load(content), try common.load(style))
            try await FigureCommandRunner.run(common: common, output: sheet) { options, weights, progress in
                var options = options
                options.contentWeight = contentWeight
                return try await Figures.ratioSheet(content: c, style: s, ratios: ratios, weights: weights, options: options,
                                              includeInputs: !sheet.noInputs, progress: progress)
            }
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "The same transfer started from the style image, the content image and noise.",
            discussion: "Default weights (content 5, style 100, tv 1e-3) and the same seed for every tile. "
                + PincelCommand.exitCodes
        )
        @Option(help: "The content photo.") var content: String
        @Option(help: "The style painting.") var style: String
        @Option(help: "Optimiser.") var optimizer: OptimizerKind = .lbfgs
        @OptionGroup var common: CommonOptions
        @OptionGroup var sheet: SheetOutputOptions

        func validate() throws {
            try FigureCommandRunner.requireFiles([("--content", content), ("--style", style)], sheet: sheet, weights: common.weights)
        }

        func run() async throws {
            let (c, s) = (try common.load(content), try common.load(style))
            try await FigureCommandRunner.run(common: common, output: sheet) { options, weights, progress in
                var options = options
                options.optimizer = optimizer
                return try await Figures.initialisationSheet(content: c, style: s, weights: weights, options: options,
                                                includeInputs: !sheet.noInputs, progress: progress)
            }
        }
    }
}

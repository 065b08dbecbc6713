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
    @Option(help: "Where to write the result (.png, .jpg, .jpeg, .webp, .tif, .tiff; the seed and command are stored in its metadata).") var output: String
    @Option(help: "Most objective evaluations, over all scales (--tolerance usually stops earlier).")
    var iterations = 500
    @OptionGroup var settings: TransferSettingsOptions
    @OptionGroup var spatial: SpatialOptions
    @Option(help: "Save an intermediate image every N iterations (0 = never).") var saveEvery = 0
    @Option(help: "Write one row per evaluation (iteration, scale, side, elapsed seconds, each loss term, rejected trial 0/1) to this CSV file; the saved image's terms follow as a '# saved,...' comment line.")
    var log: String?
    @Option(help: "Output bits per channel: 8 or 16 (16 for PNG and TIFF).") var outputDepth = 8
    @Option(help: "JPEG / WebP quality, 1-100.") var quality = 92
    @Flag(help: "Let pixels leave 0…255 during optimisation (the classic behaviour).") var unbounded = false
    @Option(help: "Coarse-to-fine scales (default: one up to 1023 px; above, from 512 px doubling up to --size).")
    var scales: Int?
    @Option(help: "Iterations per scale, smallest first, e.g. 400,200,100 (overrides --iterations).")
    var scaleIterations: String?
    @Option(help: RecomputeChoice.help) var recompute: RecomputeChoice = .auto
    @Option(help: ArgumentHelp(ProgressReporter.printEveryHelp)) var printEvery: Int?
    @Flag(help: ArgumentHelp(ProgressReporter.quietHelp)) var quiet = false
    @Flag(help: ArgumentHelp(InstantFlags.instantHelp)) var instant = false
    @Option(help: ArgumentHelp(InstantFlags.strengthHelp)) var instantStrength: Float?
    @Option(help: ArgumentHelp(InstantFlags.modelsHelp)) var instantModels: String?

    mutating func validate() throws {
        guard !settings.style.isEmpty else { throw ValidationError.oneLine("give at least one --style image") }
        try bounded(quality, OptionBounds.quality, flag: "--quality")
        try OutputPreflight.checkFormat(output, depth: outputDepth, quality: quality)
        try checkInstantFlags()
    }

    func run() async throws {
        if instant { return try await runInstant() }
        let seed = settings.seed ?? SeededRandom.drawSeed()
        let request = try makeRequest(seed: seed)
        try checkFiles(iterations: request.options.iterations)
        try checkMemory(request.options)
        let reporter = ProgressReporter(quiet: quiet, printEvery: printEvery)
        reporter.noteSeed(seed, chosen: settings.seed == nil)

        let vgg = try CommandLineWeights.load(settings.weights)
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
                "pincel-command": "pincel \(args)", "pincel-init": settings.initialImageName]
            .merging(spatial.spatialMetadata) { a, _ in a }
    }

    static func intermediatePath(_ output: String, iteration: Int) -> String {
        let ns = output as NSString
        let ext = ns.pathExtension
        return String(format: "%@-%05d.%@", ns.deletingPathExtension, iteration, ext)
    }
}

import ArgumentParser
import Foundation
import Pincel
import PincelFigures

/// The options every figure command shares: image size, iterations per tile, seed,
/// weights file, threads and quiet.
struct CommonOptions: ParsableArguments {
    @Option(help: "Longer side of each tile in pixels.") var size = 256
    @Option(help: "Objective evaluations per tile.") var iterations = 300
    @Option(help: "Random seed, the same for every tile (default: a new one, printed).") var seed: UInt64?
    @Option(help: "VGG19 weights file (default: $PINCEL_WEIGHTS, then the cache filled by `make weights`).")
    var weights: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: ArgumentHelp(ProgressReporter.printEveryHelp)) var printEvery: Int?
    @Flag(help: ArgumentHelp(ProgressReporter.quietHelp)) var quiet = false

    func validate() throws {
        try bounded(size, OptionBounds.figureSize, flag: "--size")
        try bounded(iterations, OptionBounds.iterations, flag: "--iterations")
        try bounded(threads, OptionBounds.threads, flag: "--threads")
        try bounded(printEvery, OptionBounds.printEvery, flag: "--print-every")
    }

    /// Transfer options with these settings (everything else at its default).
    func makeOptions(seed: UInt64) -> TransferOptions {
        var o = TransferOptions()
        o.size = size
        o.iterations = iterations
        o.seed = seed
        o.network.threads = threads
        // Figure tiles compare settings at equal iterations: no early stop.
        o.convergenceTolerance = 0
        return o
    }

    /// The memory check (``MemoryCheck``) for one tile at a time, square (the worst case for
    /// `--size`), plus a few finished tiles and the sheet.
    func checkMemory() throws {
        let options = makeOptions(seed: 0)
        try MemoryCheck.require(size: size, sizes: OptionBounds.figureSize) { side in
            var o = options
            o.size = side
            let tile = try MemoryEstimate.transfer(content: (side, side), styles: [(side, side)], options: o).total
            return tile + 16 * 12 * side * side
        }
    }

    /// Loads an input image at `--size`.
    func load(_ path: String) throws -> Tensor {
        try ImageIO.load(path, longerSide: size)
    }
}

/// Where a figure goes: the sheet file, optional tiles folder, layout.
struct SheetOutputOptions: ParsableArguments {
    @Option(help: "The contact sheet to write (.png, .jpg, .jpeg, .webp, .tif or .tiff).") var output: String
    @Option(help: "Also write every tile as a PNG into this folder (created if missing).") var keepTiles: String?
    @Option(help: "Tiles per row (default: all in one row).") var columns: Int?
    @Flag(help: "Leave the input image(s) off the sheet.") var noInputs = false
    @Option(help: "JPEG / WebP quality, 1-100.") var quality = 92

    func validate() throws {
        try bounded(columns, OptionBounds.columns, flag: "--columns")
        try bounded(quality, OptionBounds.quality, flag: "--quality")
        try OutputPreflight.checkFormat(output, quality: quality)
        if let keepTiles {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: keepTiles, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError.oneLine("--keep-tiles \(keepTiles) is a file; give a folder")
            }
        }
    }
}

/// Runs a figure with sheet-wide progress and writes the sheet (and tiles).
enum FigureCommandRunner {
    /// Checks the input images (`InputPreflight`) and everything the figure writes
    /// (`OutputPreflight`: the sheet, the tiles folder, never an input) before any work.
    static func requireFiles(_ files: [(flag: String, path: String)], sheet: SheetOutputOptions, weights: String?) throws {
        try InputPreflight.check(files)
        let outputs = OutputPreflight(inputs: files + OutputPreflight.weightsFile(weights),
                                      images: [("--output", sheet.output)], tilesFolder: sheet.keepTiles)
        try outputs.check()
    }

    /// `make` gets the transfer options and a progress closure; its figure is saved.
    static func run(common: CommonOptions, output: SheetOutputOptions,
                    make: @escaping @Sendable (TransferOptions, VGG19Weights, @escaping FigureProgressHandler) async throws -> Figure) async throws {
        try common.checkMemory()
        let seed = common.seed ?? SeededRandom.drawSeed()
        let reporter = ProgressReporter(quiet: common.quiet, printEvery: common.printEvery)
        reporter.noteSeed(seed, chosen: common.seed == nil)
        let weights = try CommandLineWeights.load(common.weights)
        try InterruptFlag.exitIfRaised(reporter)
        let console = FigureConsole(reporter: reporter)
        let options = common.makeOptions(seed: seed)
        var figure: Figure
        do {
            figure = try await InterruptFlag.cancellingOnInterrupt { try await make(options, weights, console.report) }
        } catch is CancellationError {
            reporter.note("interrupted before the first tile started; nothing was written")
            throw ExitCode(130)
        }
        if figure.interrupted { reporter.finish() }
        if let columns = output.columns { figure.columns = columns }
        let args = CommandLine.arguments.dropFirst().map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let save = ImageSaveOptions(quality: output.quality, text: [
            "Software": "Pincel \(PincelInfo.version)", "pincel-seed": String(seed), "pincel-command": "pincel \(args)",
        ])
        if let folder = output.keepTiles {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (k, tile) in figure.tiles.enumerated() {
                try ImageIO.save(tile.image, to: (folder as NSString).appendingPathComponent(tileName(k + 1, tile.caption)),
                                 options: ImageSaveOptions(text: save.text))
            }
        }
        try ImageIO.save(figure.sheet(), to: output.output, options: save)
        let seconds = figure.tiles.compactMap(\.result?.seconds).reduce(0, +)
        reporter.note(String(format: "%d tiles in %d x %d, %.1f s", figure.tiles.count, figure.columns,
                             figure.rows, seconds))
        print(output.output)
        if figure.interrupted { throw ExitCode(130) }
    }

    /// `02-relu2_2.png`: the tile's place and its caption, reduced to safe file-name characters.
    static func tileName(_ index: Int, _ caption: String) -> String {
        let safe = caption.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == ".") ? c : "-"
        }
        var name = String(safe)
        while name.contains("--") { name = name.replacingOccurrences(of: "--", with: "-") }
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return String(format: "%02d-%@.png", index, name.isEmpty ? "tile" : name)
    }
}

/// The figure commands' progress line, fed on the transfer's thread.
///
/// `@unchecked Sendable`: one transfer runs at a time and reports from its own thread, one
/// event after another; the command touches the reporter again only after the figure returned.
final class FigureConsole: @unchecked Sendable {
    private var reporter: ProgressReporter

    init(reporter: ProgressReporter) { self.reporter = reporter }

    func report(_ p: FigureProgress) {
        reporter.label = "[\(p.tile)/\(p.tiles) \(p.caption)] "
        reporter.report(p.transfer)
    }
}

import ArgumentParser
import Foundation
import Pincel

/// The options every figure command shares: image size, iterations per tile, seed,
/// weights file, threads and quiet.
struct CommonOptions: ParsableArguments {
    @Option(help: "Longer side of each tile in pixels.") var size = 256
    @Option(help: "Objective evaluations per tile.") var iterations = 300
    @Option(help: "Random seed, the same for every tile (default: a new one, printed).") var seed: UInt64?
    @Option(help: "VGG19 weights file (default: $PINCEL_WEIGHTS, then the cache filled by `make weights`).")
    var weights: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        guard (32...4096).contains(size) else { throw ValidationError("--size must be between 32 and 4096") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
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

    /// Loads an input image at `--size`.
    func load(_ path: String) throws -> Tensor {
        try ImageIO.load(path, longerSide: size)
    }
}

/// Where a figure goes: the sheet file, optional tiles folder, layout.
struct SheetOutputOptions: ParsableArguments {
    @Option(help: "The contact sheet to write (.png, or .jpg/.webp/.tif).") var output: String
    @Option(help: "Also write every tile as a PNG into this folder (created if missing).") var keepTiles: String?
    @Option(help: "Tiles per row (default: all in one row).") var columns: Int?
    @Flag(help: "Leave the input image(s) off the sheet.") var noInputs = false
    @Option(help: "JPEG / WebP quality, 1-100.") var quality = 92

    func validate() throws {
        let ext = (output as NSString).pathExtension.lowercased()
        guard ["png", "jpg", "jpeg", "webp", "tif", "tiff"].contains(ext) else {
            throw ValidationError("--output must end in .png, .jpg, .webp or .tif")
        }
        let dir = output.lastIndex(of: "/").map { String(output[..<$0]) } ?? ""
        guard dir.isEmpty || FileManager.default.fileExists(atPath: dir) else {
            throw ValidationError("the output folder \(dir) does not exist")
        }
        if let columns, columns < 1 { throw ValidationError("--columns must be at least 1") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        if let keepTiles {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: keepTiles, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError("--keep-tiles \(keepTiles) is a file; give a folder")
            }
        }
    }
}

/// Runs a figure with sheet-wide progress and writes the sheet (and tiles).
enum FigureCommandRunner {
    /// Checks that each input file exists (a ValidationError names the flag).
    static func requireFiles(_ files: [(flag: String, path: String)]) throws {
        for (flag, path) in files where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(flag): no such file: \(path)")
        }
    }

    /// `make` gets the transfer options and a progress closure; its figure is saved.
    static func run(common: CommonOptions, output: SheetOutputOptions,
                    make: (TransferOptions, VGG19Weights, (FigureProgress, @escaping () -> Tensor) -> Bool) throws -> Figure) throws {
        let seed = common.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var reporter = ProgressReporter(quiet: common.quiet)
        reporter.note("seed: \(seed)")
        let weights = try VGG19Weights.load(contentsOf: WeightsLocator.resolve(explicit: common.weights))
        let interrupt = InterruptFlag()
        interrupt.install()
        var figure = try make(common.makeOptions(seed: seed), weights) { p, _ in
            reporter.label = "[\(p.tile)/\(p.tiles) \(p.caption)] "
            reporter.report(p.transfer)
            return !interrupt.isRaised
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

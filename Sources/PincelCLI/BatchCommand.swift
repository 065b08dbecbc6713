import ArgumentParser
import Foundation
import Pincel

/// `pincel batch --contents DIR --styles DIR --output-dir OUT`, or `--manifest FILE.csv`: many
/// transfers in one process, the weights loaded once, resumable (see ``BatchRunner``).
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Stylise many photos: every --contents with every --styles, or the rows of a --manifest, into --output-dir.",
        discussion: "Each output stores a fingerprint (SHA-256 of the inputs' bytes, the settings and Pincel's version) in "
            + "its metadata; rerunning the same command skips every output whose fingerprint matches and redoes the rest. "
            + "An item without --seed gets a seed derived from its fingerprint. A failed item is recorded in the report "
            + "(default OUTPUT-DIR/report.csv) and the batch goes on. Manifest columns: content, style, output, then any "
            + "transfer option (size, iterations, seed, style-weight, init…), paths relative to the manifest's folder. "
            + "Exit codes: 0 every item done or skipped; 1 an item failed (the count on stderr) or the weights failed; "
            + "64 invalid options or manifest (before any work); 130 interrupted (finished outputs kept; rerun to continue)."
    )

    @Option(parsing: .upToNextOption, help: "Content photos: files, or folders (their image files, sorted).") var contents: [String] = []
    @Option(parsing: .upToNextOption, help: "Style paintings: files or folders; every content is stylised with every style.")
    var styles: [String] = []
    @Option(help: "CSV with a header: content,style,output and any transfer option as a column (size, iterations, seed, style-weight…).")
    var manifest: String?
    @Option(help: "Folder of the outputs (created if missing); a manifest's relative outputs are inside it.") var outputDir: String
    @Option(help: "The report CSV: each item's status, seconds, objective, seed, error (default: OUTPUT-DIR/report.csv).")
    var report: String?
    @Option(help: "Image format of the --contents x --styles outputs, named CONTENT-STYLE.FORMAT: png, jpg, webp or tif.")
    var format = "png"
    @Option(help: "Most objective evaluations per item (--tolerance usually stops earlier).") var iterations = 500
    @OptionGroup var settings: TransferSettingsOptions
    @Option(help: "Output bits per channel: 8 or 16 (16 for PNG and TIFF).") var outputDepth = 8
    @Option(help: "JPEG / WebP quality, 1-100.") var quality = 92
    @Flag(help: "Let pixels leave 0…255 during optimisation (the classic behaviour).") var unbounded = false
    @Option(help: "Coarse-to-fine scales (default: one up to 1023 px; above, from 512 px doubling up to --size).") var scales: Int?
    @Option(help: "Iterations per scale, smallest first, e.g. 400,200,100 (overrides --iterations).") var scaleIterations: String?
    @Option(help: RecomputeChoice.help) var recompute: RecomputeChoice = .auto
    @Option(help: ArgumentHelp(ProgressReporter.printEveryHelp)) var printEvery: Int?
    @Flag(help: "No progress output (item failures and the summary are still printed).") var quiet = false
    @Flag(help: .private) var plan = false

    mutating func validate() throws {
        guard settings.style.isEmpty else {
            throw ValidationError.oneLine("pincel batch takes --styles (every style makes its own outputs), not --style")
        }
        if manifest != nil {
            guard contents.isEmpty && styles.isEmpty else {
                throw ValidationError.oneLine("give either --manifest or --contents and --styles, not both")
            }
        } else {
            guard !contents.isEmpty else { throw ValidationError.oneLine("give --contents and --styles (files or folders), or --manifest FILE.csv") }
            guard !styles.isEmpty else { throw ValidationError.oneLine("give --styles (files or folders) for the --contents") }
        }
        let formats = ["png", "jpg", "jpeg", "webp", "tif", "tiff"]
        guard formats.contains(format.lowercased()) else {
            throw ValidationError.oneLine("--format must be one of \(formats.joined(separator: ", ")), got '\(format)'")
        }
        try bounded(printEvery, OptionBounds.printEvery, flag: "--print-every")
    }

    func run() async throws {
        let items: [PreparedItem]
        do { items = try prepareItems() } catch let error as BatchUsageError { throw ValidationError.oneLine(error.description) }
        if plan {
            BatchPlan.print(items)
            return
        }
        let reportPath = report ?? (outputDir as NSString).appendingPathComponent("report.csv")
        let console = BatchConsole(total: items.count, quiet: quiet, printEvery: printEvery)
        let weights = try CommandLineWeights.load(settings.weights)
        let runner = BatchRunner(items: items, weights: weights, report: BatchReport(path: reportPath), console: console)
        let rows = try await runner.run()
        let failed = rows.filter { $0.status == .failed }.count
        console.note(String(format: "%d done, %d skipped, %d failed; report: %@", rows.filter { $0.status == .done }.count,
                            rows.filter { $0.status == .skipped }.count, failed, reportPath))
        guard failed == 0 else {
            StandardError.write("Error: \(failed) of \(rows.count) items failed (see \(reportPath))\n")
            throw ExitCode.failure
        }
    }
}

import Foundation
import Pincel

/// What the command line does with a transfer's events: the progress line, the `--log` rows
/// and the `--save-every` images.
///
/// `@unchecked Sendable`: the transfer calls ``handle(_:)`` on its own thread, one event after
/// another, and the command reads this object only after the run returned (the run's
/// completion orders those accesses), so no two threads touch it at once.
final class TransferConsole: @unchecked Sendable {
    private var reporter: ProgressReporter
    private let csv: CSVLog?
    private let output: String
    private let saveEvery: Int
    let saveOptions: ImageSaveOptions
    private var lastProgress: TransferProgress?

    init(reporter: ProgressReporter, csv: CSVLog?, output: String, saveEvery: Int, saveOptions: ImageSaveOptions) {
        self.reporter = reporter
        self.csv = csv
        self.output = output
        self.saveEvery = saveEvery
        self.saveOptions = saveOptions
    }

    func handle(_ event: TransferEvent) {
        switch event {
        case .started(let start):
            let styles = start.styleSizes.map { "\($0.width)x\($0.height)" }.joined(separator: ", ")
            reporter.note("content \(start.width)x\(start.height), style \(styles)")
        case .progress(let event):
            let p = event.progress
            lastProgress = p
            reporter.report(p)
            csv?.append(p)
            if saveEvery > 0, p.iteration % saveEvery == 0, p.iteration < p.total, let image = event.currentImage() {
                let path = TransferCommand.intermediatePath(output, iteration: p.iteration)
                do { try ImageIO.save(image, to: path, options: saveOptions) } catch {
                    reporter.note("warning: could not save \(path): \(error)")
                }
            }
        }
    }

    /// Ends a live progress line that stopped before its last iteration.
    func finishLine() {
        if let p = lastProgress, p.iteration < p.total { reporter.finish() }
    }
}

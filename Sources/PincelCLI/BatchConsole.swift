import Foundation
import Pincel

/// The batch's progress on stderr: one line over the whole batch (items done of all, the
/// current item's iteration, the batch's ETA), live on a terminal (fitted to its width) and
/// plain otherwise (every 10 s or `--print-every` iterations, fitted to 80 columns); a line per
/// finished item.
///
/// `@unchecked Sendable`: the transfer reports from its thread while the command waits; the
/// lock orders those calls with the command's.
final class BatchConsole: @unchecked Sendable {
    private let lock = NSLock()
    private let quiet: Bool
    private let printEvery: Int?
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let total: Int
    private var index = 0
    private var name = ""
    /// Seconds of every item that ran a transfer (skipped ones aside), for the ETA.
    private var transferSeconds: [Double] = []
    private var lastPlain = -1.0
    private var liveLine = false

    init(total: Int, quiet: Bool, printEvery: Int?) {
        (self.total, self.quiet, self.printEvery) = (total, quiet, printEvery)
    }

    /// Item `index` (0-based) starts.
    func begin(_ index: Int, name: String) {
        lock.withLock { (self.index, self.name, lastPlain) = (index, name, -1) }
    }

    /// A transfer event of the current item.
    func handle(_ event: TransferEvent) {
        guard !quiet, let p = event.progress else { return }
        lock.withLock {
            let rate = p.elapsed > 0 ? Double(p.iteration) / p.elapsed : 0
            let line = ProgressLine(label: label(), iteration: p.iteration, total: p.total,
                                    loss: String(format: "%.4g", Double(p.terms.total)),
                                    rate: String(format: "%.2f", rate), eta: ClockText.format(eta(p, rate: rate)))
            if isTerminal {
                StandardError.write("\r" + line.fitted(columns: TerminalWidth.columns()) + "\u{1B}[K")
                liveLine = true
            } else if isPlainLineDue(p) {
                lastPlain = p.elapsed
                StandardError.write(line.fitted(columns: 80) + "\n")
            }
        }
    }

    /// The current item ended as `row`: one line (failures even with `--quiet`).
    func finish(_ row: BatchRow, ranTransfer: Bool) {
        lock.withLock {
            if ranTransfer { transferSeconds.append(row.seconds) }
            guard !quiet || row.status == .failed else { return }
            endLiveLine()
            let what: String = switch row.status {
            case .done: String(format: "done, %.1f s, objective %.6g", row.seconds, row.objective ?? 0)
            case .skipped: "skipped (finished earlier with the same fingerprint)"
            case .failed: "failed: " + row.error
            case .interrupted: "interrupted"
            }
            StandardError.write("[\(index + 1)/\(total)] \(row.output): \(what)\n")
        }
    }

    func note(_ text: String) {
        guard !quiet else { return }
        lock.withLock {
            endLiveLine()
            StandardError.write(text + "\n")
        }
    }

    private func endLiveLine() {
        if liveLine { StandardError.write("\n") }
        liveLine = false
    }

    /// `[3/6 photo.jpg] `: the items done before this one count as done.
    private func label() -> String {
        let short = name.count > 24 ? String(name.prefix(23)) + "…" : name
        return "[\(index)/\(total) done, \(short)] "
    }

    /// Seconds left in the batch: the current item's rest at its rate, then the items after it
    /// at the mean time of the items that ran a transfer (or this item's projected time).
    private func eta(_ p: TransferProgress, rate: Double) -> Double {
        guard rate > 0 else { return 0 }
        let current = Double(p.total - p.iteration) / rate
        let perItem = transferSeconds.isEmpty ? Double(p.total) / rate : transferSeconds.reduce(0, +) / Double(transferSeconds.count)
        return current + perItem * Double(total - index - 1)
    }

    private func isPlainLineDue(_ p: TransferProgress) -> Bool {
        if p.iteration == p.total { return true }
        if let printEvery { return p.iteration % printEvery == 0 }
        return lastPlain < 0 || p.elapsed - lastPlain >= 10
    }
}

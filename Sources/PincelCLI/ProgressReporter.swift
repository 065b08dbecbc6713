import Foundation
import Pincel

/// Progress on stderr: a live bar on a terminal (fitted to its width, ``ProgressLine``),
/// plain lines otherwise (every `--print-every` iterations, or every 10 s).
struct ProgressReporter {
    let quiet: Bool
    /// Plain lines at multiples of this many iterations (and the last); nil: every 10 s.
    let printEvery: Int?
    let isTerminal = isatty(STDERR_FILENO) != 0
    var label = ""
    private var lastLine = -1.0

    init(quiet: Bool, printEvery: Int? = nil) {
        self.quiet = quiet
        self.printEvery = printEvery
    }

    static let printEveryHelp = "Without a terminal, print a progress line every N iterations (default: every 10 s); "
        + "on a terminal the live bar updates at every iteration."
    static let quietHelp = "No progress output. A random seed is still printed (one line on stderr), and the seed "
        + "and command are always stored in the output's metadata."

    mutating func report(_ p: TransferProgress) {
        guard !quiet else { return }
        let rate = p.elapsed > 0 ? Double(p.iteration) / p.elapsed : 0
        let eta = rate > 0 ? Double(p.total - p.iteration) / rate : 0
        let loss = String(format: "%.4g", Double(p.terms.total))
        let label = p.scales > 1 ? self.label + "[scale \(p.scale)/\(p.scales) \(p.side) px] " : self.label
        if isTerminal {
            let line = ProgressLine(label: label, iteration: p.iteration, total: p.total, loss: loss,
                                    rate: String(format: "%.2f", rate), eta: Self.clock(eta))
            // \r, the line, then ESC[K clears what a longer previous line left to its right.
            StandardError.write("\r" + line.fitted(columns: TerminalWidth.columns()) + "\u{1B}[K")
            if p.iteration == p.total { StandardError.write("\n") }
        } else if isLineDue(p) {
            lastLine = p.elapsed
            let line = String(format: "%@iteration %d/%d  loss %@ (content %.4g, style %.4g, tv %.4g)  %.2f it/s  ETA %@\n",
                              label, p.iteration, p.total, loss, Double(p.terms.content), Double(p.terms.style),
                              Double(p.terms.tv), rate, Self.clock(eta))
            StandardError.write(line)
        }
    }

    /// A plain line is due at multiples of `--print-every` (default: 10 s after the last
    /// line and at the first iteration) and at the last iteration.
    private func isLineDue(_ p: TransferProgress) -> Bool {
        if p.iteration == p.total { return true }
        if let printEvery { return p.iteration % printEvery == 0 }
        return p.iteration == 1 || p.elapsed - lastLine >= 10
    }

    /// Ends a live bar that stopped before its last iteration.
    func finish() {
        if !quiet && isTerminal { StandardError.write("\n") }
    }

    func note(_ message: String) {
        guard !quiet else { return }
        StandardError.write(message + "\n")
    }

    /// `seed: N` on stderr; with `--quiet` too when the seed was chosen at random, so it is
    /// never lost (it is also stored in the output's metadata).
    func noteSeed(_ seed: UInt64, chosen: Bool) {
        if !quiet || chosen { StandardError.write("seed: \(seed)\n") }
    }

    static func clock(_ seconds: Double) -> String { ClockText.format(seconds) }
}

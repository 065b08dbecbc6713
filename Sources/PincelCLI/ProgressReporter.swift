import Foundation
import Pincel

/// Progress on stderr: a live bar on a terminal, plain periodic lines otherwise.
struct ProgressReporter {
    let quiet: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    var label = ""
    private var lastLine = -1.0

    init(quiet: Bool) { self.quiet = quiet }

    mutating func report(_ p: TransferProgress) {
        guard !quiet else { return }
        let rate = p.elapsed > 0 ? Double(p.iteration) / p.elapsed : 0
        let eta = rate > 0 ? Double(p.total - p.iteration) / rate : 0
        let loss = String(format: "%.4g", Double(p.terms.total))
        let label = p.scales > 1 ? self.label + "[scale \(p.scale)/\(p.scales) \(p.side) px] " : self.label
        if isTerminal {
            let width = 24
            let filled = p.total > 0 ? min(width, width * p.iteration / p.total) : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line = String(format: "\r%@[%@] %d/%d  loss %@  %.2f it/s  ETA %@ ", label, bar, p.iteration, p.total,
                              loss, rate, Self.clock(eta))
            StandardError.write(line)
            if p.iteration == p.total { StandardError.write("\n") }
        } else if p.iteration == 1 || p.iteration == p.total || p.elapsed - lastLine >= 10 {
            lastLine = p.elapsed
            let line = String(format: "%@iteration %d/%d  loss %@ (content %.4g, style %.4g, tv %.4g)  %.2f it/s  ETA %@\n",
                              label, p.iteration, p.total, loss, Double(p.terms.content), Double(p.terms.style),
                              Double(p.terms.tv), rate, Self.clock(eta))
            StandardError.write(line)
        }
    }

    /// Ends a live bar that stopped before its last iteration.
    func finish() {
        if !quiet && isTerminal { StandardError.write("\n") }
    }

    func note(_ message: String) {
        guard !quiet else { return }
        StandardError.write(message + "\n")
    }

    static func clock(_ seconds: Double) -> String { ClockText.format(seconds) }
}

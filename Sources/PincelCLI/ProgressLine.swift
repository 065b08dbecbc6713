/// The live progress line on a terminal, fitted to its width.
///
/// A line as wide as the terminal or wider wraps, and each `\r` update then leaves the
/// wrapped part behind (a new line per update on an 80-column terminal). The line is kept to
/// `columns - 1` visible characters: the bar shrinks, then goes; then the rate, the loss and
/// the ETA are left out; the label is cut last.
struct ProgressLine {
    var label: String
    var iteration: Int
    var total: Int
    var loss: String
    var rate: String
    var eta: String

    /// The widest bar; it shrinks to `minimumBar` before it is left out.
    static let fullBar = 24
    static let minimumBar = 6

    /// The text of the line, at most `columns - 1` characters (no control characters).
    func fitted(columns: Int) -> String {
        let budget = max(columns - 1, 1)
        let counts = "\(iteration)/\(total)"
        let full = [counts, "loss \(loss)", "\(rate) it/s", "ETA \(eta)"].joined(separator: "  ")
        // The bar's width comes from the widest the numbers get in a run (loss 1.234e+06, rate
        // 123.45, ETA 12:34), so it does not jump as they change length.
        let widest = [String(repeating: "0", count: 2 * String(total).count + 1), "loss " + Self.padded(loss, 9),
                      Self.padded(rate, 6) + " it/s", "ETA " + Self.padded(eta, 5)].joined(separator: "  ")
        let room = budget - label.count - widest.count - 3  // "[", "] "
        if room >= Self.minimumBar { return label + "[" + bar(min(room, Self.fullBar)) + "] " + full }
        let shorter = [full, [counts, "loss \(loss)", "ETA \(eta)"].joined(separator: "  "), counts + "  ETA \(eta)", counts]
        for tail in shorter where label.count + tail.count <= budget { return label + tail }
        return String((label + counts).prefix(budget))
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `#########---------`: `width` characters, filled in proportion to the iterations done.
    func bar(_ width: Int) -> String {
        let filled = total > 0 ? min(width, width * max(iteration, 0) / total) : 0
        return String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    }
}

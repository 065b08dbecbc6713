import Foundation
import Pincel

/// One line of the batch report.
struct BatchRow {
    enum Status: String { case done, skipped, failed, interrupted }

    var content: String
    var style: String
    var output: String
    var status: Status
    var seconds: Double = 0
    /// The saved (8-bit) image's objective.
    var objective: Double?
    var seed: UInt64?
    var fingerprint: String = ""
    var error: String = ""

    static let header = ["content", "style", "output", "status", "seconds", "objective", "seed", "fingerprint", "error"]

    var fields: [String] {
        [content, style, output, status.rawValue, String(format: "%.2f", seconds),
         objective.map { String(format: "%.6g", $0) } ?? "", seed.map(String.init) ?? "", fingerprint, error]
    }
}

/// The report CSV, rewritten whole (temporary file, then rename) after every item, so it is
/// complete and readable whenever the batch stops.
struct BatchReport {
    let path: String

    /// Writes `rows` under the header. - Throws: a one-line message when the file cannot be written.
    func write(_ rows: [BatchRow]) throws {
        let text = CSVTable.line(BatchRow.header) + rows.map { CSVTable.line($0.fields) }.joined()
        let temporary = path + ".partial-\(getpid())"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            try AtomicRename.commit(temporary, to: path)
        } catch {
            unlink(temporary)
            throw BatchItemError("cannot write the report \(path): \(error.localizedDescription)")
        }
    }
}

import Foundation
import Pincel

/// A small CSV reader and writer (RFC 4180: commas, double quotes, doubled quotes inside
/// quotes, CRLF or LF line ends), for `pincel batch`'s manifest and report.
enum CSVTable {
    /// The rows of `text`, each a list of fields, with the 1-based line each row starts on.
    /// - Throws: a message for a quote left open.
    static func rows(_ text: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = [], field = "", quoted = false, line = 1, rowLine = 1, fieldStarted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }  // a byte-order mark from a spreadsheet
        var i = 0
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldStarted) { rows.append((rowLine, fields)) }
            (fields, field, fieldStarted) = ([], "", false)
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
                fieldStarted = true
            } else if c == "," {
                fields.append(field)
                (field, fieldStarted) = ("", true)
            } else if c == "\n" || c == "\r" {
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                endRow()
                line += 1
                rowLine = line
            } else {
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
            i += 1
        }
        if quoted { throw CSVError("a quote opened on line \(rowLine) is never closed") }
        if !field.isEmpty || !fields.isEmpty || fieldStarted { endRow() }
        return rows
    }

    /// One CSV line (with its LF): fields quoted when they hold a comma, a quote or a line end.
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }
}

/// A CSV that cannot be read (one line).
struct CSVError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

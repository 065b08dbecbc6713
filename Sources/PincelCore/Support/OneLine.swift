/// Error messages are one line whatever the user or a file put into them: a path, a layer name
/// or a tensor name may hold newlines or terminal escapes.
package enum OneLine {
    /// `text` with control characters (and the Unicode line and paragraph separators) escaped
    /// as `\n`, `\u{1B}`…, and the middle of an overlong text elided (the start and the advice
    /// at the end are kept).
    package static func sanitize(_ text: String, limit: Int = 2000) -> String {
        var line = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                line += scalar.escaped(asASCII: true)
            } else {
                line.unicodeScalars.append(scalar)
            }
        }
        guard line.count > limit else { return line }
        return String(line.prefix(limit * 3 / 4)) + " … " + String(line.suffix(limit / 5))
    }
}

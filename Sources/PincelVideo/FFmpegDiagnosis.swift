import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Reads ffmpeg's and ffprobe's error lines: which say that a file is cut short or corrupt,
/// and which one explains a failure best (ffmpeg's last line is often a consequence, such as
/// "Error marking filters as finished", not the cause).
enum FFmpegDiagnosis {
    /// Phrases that mean the file's bytes end early: such a file is refused before any work.
    static let truncationSigns = ["moov atom not found", "partial file", "truncated", "ended prematurely", "end of file reached prematurely"]
    /// Phrases of a decoder meeting broken data (a failed decode that printed one is a damaged file).
    static let damageSigns = truncationSigns + [
        "invalid nal unit", "error splitting the input into nal units", "missing picture in access unit", "error while decoding",
        "corrupt", "invalid data found when processing input", "packet too small", "error reading header",
    ]

    /// The first line that says the file is cut short, cleaned; `nil` when none does. ffmpeg
    /// reads any file named `.mp4` as MP4, so "moov atom not found" counts only for a file that
    /// starts as an MP4 or QuickTime file does (a text file named `clip.mp4` is no video, not
    /// a damaged one).
    static func truncation(in lines: [String], path: String) -> String? {
        guard let line = first(of: truncationSigns, in: lines) else { return nil }
        if line.lowercased().contains("moov atom not found") && !startsLikeISOMedia(path) { return nil }
        return cleaned(line, path: path)
    }

    /// Whether the file's first box is one an MP4 or QuickTime file starts with.
    static func startsLikeISOMedia(_ path: String) -> Bool {
        guard let file = try? RegularFile.openForReading(path) else { return false }
        defer { close(file.fd) }
        var head = [UInt8](repeating: 0, count: 8)
        guard read(file.fd, &head, 8) == 8 else { return false }
        let type = String(decoding: head[4..<8], as: UTF8.self)
        return ["ftyp", "moov", "mdat", "free", "wide", "skip", "pnot"].contains(type)
    }

    /// The most telling line about damaged data: a truncation line first, else the first line of
    /// a decoder meeting broken data; `nil` when none says so.
    static func damage(in lines: [String], path: String) -> String? {
        (first(of: truncationSigns, in: lines) ?? first(of: damageSigns, in: lines)).map { cleaned($0, path: path) }
    }

    /// One line for a failed run: the first error line that is not one of ffmpeg's generic
    /// consequences, cleaned; the exit status when it printed nothing.
    static func explanation(_ outcome: FFmpeg.Outcome, path: String, doing what: String) -> String {
        let generic = ["error marking filters as finished", "conversion failed", "error while filtering", "error closing file",
                       "nothing was written into output file"]
        let telling = outcome.errorLines.first { line in !generic.contains { line.lowercased().contains($0) } }
        guard let line = telling ?? outcome.errorLines.first else { return "\(what) ended with status \(outcome.status)" }
        return cleaned(line, path: path)
    }

    /// `line` without ffmpeg's `[mov,mp4,… @ 0x55…] ` component prefix and without the
    /// `file:<path>: ` naming the file (the message names it already).
    static func cleaned(_ line: String, path: String) -> String {
        var text = Substring(line)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[..<close].contains(" @ 0x") {
            text = text[text.index(after: close)...].drop { $0 == " " }
        }
        for prefix in ["file:" + path + ": ", path + ": "] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
        }
        return String(text)
    }

    private static func first(of signs: [String], in lines: [String]) -> String? {
        lines.first { line in
            let lower = line.lowercased()
            return signs.contains { lower.contains($0) }
        }
    }
}

import ArgumentParser
import Foundation
import Pincel

/// `--log FILE.csv`: one row per iteration with the elapsed time and each loss term.
///
/// A row that cannot be written (disk full, the file's device gone) stops the log with one
/// warning; the run goes on (Foundation's `FileHandle.write(_: Data)` would trap there).
struct CSVLog {
    private let handle: FileHandle
    private var failed = false

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write the log file \(path)")
        }
        handle = h
        write("iteration,elapsed_s,content,style,tv,total\n")
    }

    private mutating func write(_ row: String) {
        guard !failed else { return }
        do { try handle.write(contentsOf: Data(row.utf8)) } catch {
            failed = true
            StandardError.write("warning: the log file could not be written (\(error)); logging stopped\n")
        }
    }

    mutating func append(_ p: TransferProgress) {
        let t = p.terms
        write(String(format: "%d,%.3f,%.6g,%.6g,%.6g,%.6g\n", p.iteration, p.elapsed, Double(t.content),
                                 Double(t.style), Double(t.tv), Double(t.total)))
    }

    /// A last row, `saved`, with the terms of the image as saved (8-bit).
    mutating func appendSaved(_ r: TransferResult) {
        let t = r.quantizedTerms
        write(String(format: "saved,%.3f,%.6g,%.6g,%.6g,%.6g\n", r.seconds, Double(t.content),
                                 Double(t.style), Double(t.tv), Double(t.total)))
    }

    func close() throws { try handle.close() }
}

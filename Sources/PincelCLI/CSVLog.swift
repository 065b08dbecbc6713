import ArgumentParser
import Foundation
import Pincel

/// `--log FILE.csv`: one row per iteration with the elapsed time and each loss term.
struct CSVLog {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write the log file \(path)")
        }
        handle = h
        handle.write(Data("iteration,elapsed_s,content,style,tv,total\n".utf8))
    }

    mutating func append(_ p: TransferProgress) {
        let t = p.terms
        handle.write(Data(String(format: "%d,%.3f,%.6g,%.6g,%.6g,%.6g\n", p.iteration, p.elapsed, Double(t.content),
                                 Double(t.style), Double(t.tv), Double(t.total)).utf8))
    }

    /// A last row, `saved`, with the terms of the image as saved (8-bit).
    mutating func appendSaved(_ r: TransferResult) {
        let t = r.quantizedTerms
        handle.write(Data(String(format: "saved,%.3f,%.6g,%.6g,%.6g,%.6g\n", r.seconds, Double(t.content),
                                 Double(t.style), Double(t.tv), Double(t.total)).utf8))
    }

    func close() throws { try handle.close() }
}

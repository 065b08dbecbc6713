import ArgumentParser
import Foundation
import Pincel

/// `--log FILE.csv`: one numeric row per objective evaluation, so the file plots directly
/// (pandas, numpy, gnuplot, a spreadsheet):
///
///     iteration,scale,side,elapsed_s,content,style,tv,total,rejected
///
/// `iteration` counts evaluations over all scales; `scale` is 1 for the smallest size and `side`
/// its longer side in pixels; `rejected` is 1 when the evaluation was a trial step the optimiser
/// rejected (its value rose, so it is not on the descent path), else 0. After the run one comment
/// line gives the terms of the image as saved (8-bit):
///
///     # saved,elapsed_s,content,style,tv,total
///
/// (`# saved,117.234,1.2e5,...`); CSV readers that skip `#` comments skip it.
struct CSVLog {
    static let header = "iteration,scale,side,elapsed_s,content,style,tv,total,rejected"
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write the log file \(path)")
        }
        handle = h
        handle.write(Data((Self.header + "\n").utf8))
    }

    mutating func append(_ p: TransferProgress) {
        let t = p.terms
        handle.write(Data(String(format: "%d,%d,%d,%.3f,%.6g,%.6g,%.6g,%.6g,%d\n", p.iteration, p.scale, p.side, p.elapsed,
                                 Double(t.content), Double(t.style), Double(t.tv), Double(t.total),
                                 p.rejectedTrial ? 1 : 0).utf8))
    }

    /// The closing comment line with the terms of the image as saved (8-bit).
    mutating func appendSaved(_ r: TransferResult) {
        let t = r.quantizedTerms
        handle.write(Data(String(format: "# saved,%.3f,%.6g,%.6g,%.6g,%.6g\n", r.seconds, Double(t.content),
                                 Double(t.style), Double(t.tv), Double(t.total)).utf8))
    }

    func close() throws { try handle.close() }
}

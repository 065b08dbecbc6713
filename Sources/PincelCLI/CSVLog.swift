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
///
/// Every write and the close are checked. The first failure (disk full, `/dev/full`, a closed
/// pipe) stops further writing but not the run; `close()` then throws it, after the image has
/// been saved, so a lost log is an error (exit 1), never a silent success.
final class CSVLog {
    static let header = "iteration,scale,side,elapsed_s,content,style,tv,total,rejected"
    private let path: String
    private var fd: Int32
    private var failure: String?

    init(path: String) throws {
        self.path = path
        // A pipe whose reader quit (`--log >(head -3)`) fails a write (EPIPE, reported at the
        // end) instead of killing the process: SIGPIPE is ignored from the start
        // (``ProcessStartup``).
        // O_NONBLOCK for the open only: a FIFO nobody reads from fails (ENXIO) instead of hanging.
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ENXIO ? "no process is reading from it" : String(cString: strerror(errno))
            throw CSVLogError(path: path, reason: reason)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        write(Self.header + "\n")
    }

    deinit { if fd >= 0 { Foundation.close(fd) } }

    func append(_ p: TransferProgress) {
        let t = p.terms
        write(String(format: "%d,%d,%d,%.3f,%.6g,%.6g,%.6g,%.6g,%d\n", p.iteration, p.scale, p.side, p.elapsed,
                     Double(t.content), Double(t.style), Double(t.tv), Double(t.total), p.rejectedTrial ? 1 : 0))
    }

    /// The closing comment line with the terms of the image as saved (8-bit).
    /// An interrupted run is not scored as saved: its line is `# interrupted,…` with the
    /// optimiser's terms.
    func appendSaved(_ r: TransferResult) {
        let t = r.quantizedTerms
        let label = r.interrupted ? "interrupted" : "saved"
        write(String(format: "# %@,%.3f,%.6g,%.6g,%.6g,%.6g\n", label, r.seconds, Double(t.content),
                     Double(t.style), Double(t.tv), Double(t.total)))
    }

    /// Closes the file; throws the first write failure, or the close's own.
    func close() throws {
        if fd >= 0 {
            if Foundation.close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
            fd = -1
        }
        if let failure { throw CSVLogError(path: path, reason: failure) }
    }

    /// Writes all of `text`, retrying short writes and EINTR; remembers the first failure.
    private func write(_ text: String) {
        guard failure == nil, fd >= 0 else { return }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Foundation.write(fd, base + offset, buffer.count - offset)
            }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                failure = n < 0 ? String(cString: strerror(errno)) : "nothing written"
                return
            }
        }
    }
}

/// The log could not be opened or written.
struct CSVLogError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { OneLine.sanitize("--log \(path): could not write the log (\(reason))") }
}

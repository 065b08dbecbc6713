import Foundation

/// Writes to the standard streams with write(2) and ignores every failure.
///
/// Progress, notes and the final path are never worth the run: a closed stream (`2>&-`,
/// EBADF) or a reader that went away (`| head`, EPIPE; SIGPIPE is ignored, see
/// ``ProcessStartup``) drops the text and the run goes on to save its result. Foundation's
/// `FileHandle.write(_: Data)` traps on those errors, so the CLI writes only through here.
enum StandardStream {
    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            guard var p = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let n = Foundation.write(fd, p, left)
                if n > 0 {
                    p += n
                    left -= n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return  // EPIPE, EBADF, ENOSPC …: the text is dropped
                }
            }
        }
    }
}

enum StandardError {
    static func write(_ text: String) { StandardStream.write(text, to: STDERR_FILENO) }
}

enum StandardOutput {
    static func write(_ text: String) { StandardStream.write(text, to: STDOUT_FILENO) }
}

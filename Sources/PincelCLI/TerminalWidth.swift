import Foundation

/// The width of the terminal the live progress line is drawn on.
enum TerminalWidth {
    /// Columns of the terminal on `fd` (TIOCGWINSZ), else `$COLUMNS`, else 80. Read at each
    /// update, so a resized window is followed.
    static func columns(of fd: Int32 = STDERR_FILENO,
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return min(columns, 10_000) }
        return 80
    }
}

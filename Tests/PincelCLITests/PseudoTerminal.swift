import Foundation

/// Runs `pincel` with its stderr on a pseudo-terminal of a given width, as a user's terminal
/// would be, and returns everything written there (the raw bytes: `\r`, escapes and all).
///
/// The pty comes from python3's `pty` module (python3 is installed with the project's
/// dependencies): it opens the pair, sets the window size (TIOCSWINSZ), starts pincel with
/// stderr on the slave side and copies what the master side reads to its stdout.
enum PseudoTerminal {
    static let script = """
        import fcntl, os, pty, struct, subprocess, sys, termios
        columns = int(sys.argv[1])
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        captured = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            captured += chunk
        sys.stdout.buffer.write(captured)
        sys.exit(child.wait())
        """

    /// `columns` 0 leaves the window size unset (the program then falls back to `$COLUMNS`).
    /// The result's `stderr` is what the terminal received; its `stdout` the helper's own errors.
    static func run(_ arguments: [String], columns: Int, environment: [String: String] = [:], in directory: URL,
                    timeout: Double = 120) throws -> CLIResult {
        let binary = try CLIPaths.binary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(columns), binary.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent("pty-capture")
        let err = directory.appendingPathComponent("pty-errors")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let start = Date()
        try process.run()
        while process.isRunning && Date().timeIntervalSince(start) < timeout { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw CLITestError.timedOut(what: "pincel on a pseudo-terminal", seconds: timeout)
        }
        process.waitUntilExit()
        let captured = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return CLIResult(status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                         stdout: errors, stderr: captured, seconds: Date().timeIntervalSince(start))
    }

    /// What the terminal shows as separate lines: the text between line ends and carriage
    /// returns, with escape sequences (`ESC [ … letter`) removed.
    static func visibleSegments(_ text: String) -> [String] {
        enum State { case text, escape, sequence }
        var state = State.text
        var plain = ""
        for scalar in text.unicodeScalars {
            switch state {
            case .text:
                if scalar == "\u{1B}" { state = .escape } else { plain.unicodeScalars.append(scalar) }
            case .escape:
                state = scalar == "[" ? .sequence : .text
            case .sequence:
                if (0x40...0x7E).contains(scalar.value) { state = .text }
            }
        }
        return plain.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
    }
}

import Foundation

/// Mounts a tmpfs for a test, where the machine allows it (root and /bin/mount): a read-only
/// or tiny folder to test output checks and full-disk saves. A test that cannot mount returns
/// without checking anything.
public enum TmpfsMount {
    public static func mount(_ path: String, options: String) -> Bool {
        run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])
    }

    public static func unmount(_ path: String) { _ = run("/bin/umount", [path]) }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: tool) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

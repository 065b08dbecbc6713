import Foundation

/// Mounts a tmpfs for a test, where the machine allows it (root with CAP_SYS_ADMIN and
/// /bin/mount): a read-only or tiny folder to test output checks and full-disk saves. Tests
/// that need one are enabled with `.enabled(if: TmpfsMount.isAvailable)`, so a machine that
/// cannot mount reports them as skipped instead of passing them without a check; where
/// mounting works, a failed mount is a test failure.
public enum TmpfsMount {
    /// Whether this machine can mount a tmpfs (probed once, on a scratch folder).
    public static let isAvailable: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("pincel-tmpfs-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: false)) != nil else { return false }
        defer { rmdir(probe.path) }  // made just above; empty once unmounted
        guard mount(probe.path, options: "size=4k") else { return false }
        unmount(probe.path)
        return true
    }()

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

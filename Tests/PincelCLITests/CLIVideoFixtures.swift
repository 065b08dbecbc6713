import Foundation

/// Tiny clips for the video command's tests, made by Debian's ffmpeg.
enum CLIVideoFixtures {
    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `tool arguments…` (from /usr/bin or the PATH) to its end; returns its stdout.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw ToolFailure(description: "\(tool) is not on the PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailure(description: "\(tool) \(arguments.joined(separator: " ")) ended with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A clip of `frames` frames, 64x48 at 12 fps, a moving test pattern with a tone, at `path`.
    /// `faststart` puts the index (moov) at the front, as `pincel video` writes its mp4 files.
    static func makeClip(at path: String, frames: Int = 4, faststart: Bool = false) throws {
        try run("ffmpeg", ["-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=12",
                           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-frames:v", "\(frames)",
                           "-t", String(Double(frames) / 12), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"]
                + (faststart ? ["-movflags", "+faststart"] : []) + ["-f", "mp4", "file:" + path])
    }

    /// Cuts the file at `path` to half its bytes.
    static func truncateToHalf(_ path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    }

    /// Video frames (packets) in the first video stream, as ffprobe counts them.
    static func frameCount(_ path: String) throws -> Int {
        let text = try run("ffprobe", ["-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
                                       "stream=nb_read_packets", "-of", "csv=p=0", "file:" + path])
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Names in `folder`, sorted (hidden ones too).
    static func names(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// The settings of a quick video run (48 px, 2 + 1 evaluations per frame, seed 1).
    static let quick = ["--size", "48", "--first-iterations", "2", "--iterations", "1", "--seed", "1", "--threads", "2"]
}

import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Decoding and encoding through Debian's `ffmpeg` and `ffprobe` command-line programs.
///
/// Why the programs and not libav* behind a shim: no libav ABI in Pincel's code (libavcodec's
/// changes with every major release), the same binary and codecs users already have and
/// trust, a decoder crash on a hostile file ends a child process instead of ours, and the
/// child is simple to sandbox. The cost, a PNG per frame in the work folder, is small next
/// to a frame's stylisation.
enum FFmpeg {
    /// What `ffprobe` says about an input.
    struct Probe: Equatable {
        var width: Int
        var height: Int
        /// `num/den`, as ffmpeg writes it (kept exact for the output).
        var frameRate: String
        /// Frames (packets) in the first video stream.
        var frames: Int
        var hasAudio: Bool
        var videoCodec: String
    }

    /// The full path of `tool` on the `PATH`. - Throws: ``VideoError/toolMissing(_:)``.
    static func locate(_ tool: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw VideoError.toolMissing(tool)
    }

    /// What a finished ffmpeg or ffprobe run left: its status, its standard output and the
    /// non-empty lines of its standard error (the first and last 100 of a longer log).
    struct Outcome {
        var status: Int32
        var stdout: Data
        var errorLines: [String]
        /// The last line of standard error ("" when there was none).
        var lastError: String { errorLines.last ?? "" }
    }

    /// Runs a program to its end. Standard output is returned; standard error goes to a
    /// temporary file of its own (created here, removed here) whose lines are returned.
    static func run(_ tool: String, _ arguments: [String], stdoutCapture: Bool = true) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        let log: OwnedTemporaryFile
        do { log = try OwnedTemporaryFile(folder: FileManager.default.temporaryDirectory.path, prefix: "pincel-ffmpeg-", suffix: ".log") } catch {
            throw VideoError.ffmpegFailed("cannot create a log file for \(tool): \(error)")
        }
        defer { log.remove() }
        let errHandle = FileHandle(fileDescriptor: log.descriptor, closeOnDealloc: false)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutCapture ? out : FileHandle.nullDevice
        process.standardError = errHandle
        do { try process.run() } catch {
            throw VideoError.ffmpegFailed("cannot start \(tool): \(error.localizedDescription)")
        }
        var data = Data()
        if stdoutCapture { data = out.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: log.path, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // A decoder can print a line per broken packet: the first and last 100 lines say enough.
        let kept = lines.count > 200 ? Array(lines.prefix(100) + lines.suffix(100)) : lines
        return Outcome(status: process.terminationStatus, stdout: data, errorLines: kept)
    }

    /// Paths reach ffmpeg with the `file:` protocol prefix, so a name like `http:x` or
    /// `concat:a|b` is read as a file name, never as another protocol.
    ///
    /// Probes a video file: size, frame rate, frame count, audio. `shownAs` names the file in
    /// messages (the path as the user gave it). - Throws:
    /// ``VideoError/unreadableInput(path:reason:)`` when there is no decodable video stream,
    /// ``VideoError/damagedInput(path:detail:)`` when ffprobe finds the file cut short.
    static func probe(_ path: String, shownAs: String? = nil) throws -> Probe {
        let ffprobe = try locate("ffprobe")
        let outcome = try run(ffprobe, [
            "-v", "error", "-count_packets",
            "-show_entries", "stream=codec_type,codec_name,width,height,r_frame_rate,avg_frame_rate,nb_read_packets"
                + ":stream_side_data=rotation:stream_tags=rotate",
            "-of", "json", "file:" + path,
        ])
        let shown = shownAs ?? path
        if let damage = FFmpegDiagnosis.truncation(in: outcome.errorLines, path: path) {
            throw VideoError.damagedInput(path: shown, detail: damage)
        }
        guard outcome.status == 0 else {
            let reason = outcome.lastError.isEmpty ? "ffprobe could not read it" : FFmpegDiagnosis.cleaned(outcome.lastError, path: path)
            throw VideoError.unreadableInput(path: path, reason: reason)
        }
        return try parseProbe(outcome.stdout, path: path)
    }

    /// Reads ffprobe's JSON (separate from ``probe(_:)`` so tests can feed it text).
    static func parseProbe(_ data: Data, path: String) throws -> Probe {
        struct Stream: Decodable {
            var codec_type: String?
            var codec_name: String?
            var width: Int?
            var height: Int?
            var r_frame_rate: String?
            var avg_frame_rate: String?
            var nb_read_packets: String?
            var side_data_list: [SideData]?
            var tags: [String: String]?
        }
        struct SideData: Decodable { var rotation: Double? }
        struct Output: Decodable { var streams: [Stream]? }
        guard let output = try? JSONDecoder().decode(Output.self, from: data) else {
            throw VideoError.unreadableInput(path: path, reason: "ffprobe's answer was not readable")
        }
        let streams = output.streams ?? []
        guard let video = streams.first(where: { $0.codec_type == "video" }) else {
            throw VideoError.unreadableInput(path: path, reason: "it holds no video stream")
        }
        guard let storedWidth = video.width, let storedHeight = video.height, storedWidth > 0, storedHeight > 0,
              storedWidth <= 16384, storedHeight <= 16384 else {
            throw VideoError.unreadableInput(path: path, reason: "its video stream has no usable frame size")
        }
        // A phone video stored landscape with a display rotation of ±90°: ffmpeg turns its frames
        // upright when decoding, so the frames are `h` x `w`.
        let rotation = video.side_data_list?.compactMap(\.rotation).first ?? video.tags?["rotate"].flatMap(Double.init) ?? 0
        let quarterTurns = rotation.isFinite && abs(rotation) < 1e6 ? Int((rotation / 90).rounded()) & 3 : 0
        let (w, h) = quarterTurns % 2 == 1 ? (storedHeight, storedWidth) : (storedWidth, storedHeight)
        let frames = Int(video.nb_read_packets ?? "") ?? 0
        guard frames > 0 else { throw VideoError.unreadableInput(path: path, reason: "its video stream holds no frames") }
        let rate = [video.avg_frame_rate, video.r_frame_rate].compactMap { $0 }.first(where: { rateValue($0) != nil })
        guard let rate else { throw VideoError.unreadableInput(path: path, reason: "its frame rate is unknown") }
        return Probe(width: w, height: h, frameRate: rate, frames: frames,
                     hasAudio: streams.contains { $0.codec_type == "audio" }, videoCodec: video.codec_name ?? "?")
    }

    /// Frames per second of `num/den` (or a plain number); `nil` unless within 0.01…1000.
    static func rateValue(_ text: String) -> Double? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let num = Double(parts[0]) else { return nil }
        let den = parts.count == 2 ? Double(parts[1]) : 1
        guard let den, den > 0 else { return nil }
        let value = num / den
        guard value.isFinite, value >= 0.01, value <= 1000 else { return nil }
        return value
    }

    /// Decodes frames `range` (0-based, end exclusive) of `path`, resized to `width` x `height`
    /// (Lanczos), into `folder` as `000000.png`, `000001.png`, … (8-bit RGB). Returns how many
    /// were written. - Throws: ``VideoError/damagedInput(path:detail:)`` (named `shownAs`) when
    /// the file turns out to be cut short or corrupt, else ``VideoError/ffmpegFailed(_:)``.
    static func decode(_ path: String, range: Range<Int>, width: Int, height: Int, into folder: String,
                       shownAs: String? = nil) throws -> Int {
        let ffmpeg = try locate("ffmpeg")
        let filter = "trim=start_frame=\(range.lowerBound):end_frame=\(range.upperBound),setpts=PTS-STARTPTS,"
            + "scale=\(width):\(height):flags=lanczos,format=rgb24"
        let outcome = try run(ffmpeg, [
            "-nostdin", "-v", "error", "-i", "file:" + path, "-map", "0:v:0", "-vf", filter, "-fps_mode", "passthrough",
            "-start_number", "0", "-f", "image2", sequencePattern(folder),
        ], stdoutCapture: false)
        guard outcome.status == 0 else {
            if let damage = FFmpegDiagnosis.damage(in: outcome.errorLines, path: path) {
                throw VideoError.damagedInput(path: shownAs ?? path, detail: damage)
            }
            throw VideoError.ffmpegFailed(FFmpegDiagnosis.explanation(outcome, path: path, doing: "decoding"))
        }
        let written = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".png") }.count ?? 0
        return written
    }

    /// The container and video codec arguments for an output file, by its extension.
    static func outputFormat(_ path: String) -> (format: String, video: [String], audio: Bool)? {
        switch (path as NSString).pathExtension.lowercased() {
        case "mp4", "m4v": return ("mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18", "-movflags", "+faststart"], true)
        case "mov": return ("mov", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18"], true)
        case "mkv": return ("matroska", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18"], true)
        case "webm": return ("webm", ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", "32", "-b:v", "0"], true)
        case "gif": return ("gif", ["-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse"], false)
        default: return nil
        }
    }

    /// Encodes `folder/000000.png…` at `frameRate` into `output` (written to a temporary file
    /// created here, then renamed; on failure only that temporary file is removed). With
    /// `audio`, the audio of that file from `audioStart` seconds for `audioDuration` seconds is
    /// copied (re-encoded when the container cannot hold its codec).
    static func encode(frames folder: String, count: Int, frameRate: String, output: String,
                       audio: (path: String, start: Double, duration: Double)?) throws {
        let ffmpeg = try locate("ffmpeg")
        guard let format = outputFormat(output) else { throw VideoError.unsupportedOutput(path: output) }
        let temporary: OwnedTemporaryFile
        do { temporary = try OwnedTemporaryFile(exactly: OutputCheck.temporaryPath(for: output)) } catch {
            throw VideoError.ffmpegFailed("cannot write the video \(output): \(error)")
        }
        temporary.close()  // ffmpeg opens it by name (-y: truncated, the same file)
        defer { temporary.remove() }
        var base = ["-nostdin", "-y", "-v", "error", "-thread_queue_size", "64", "-framerate", frameRate, "-start_number", "0",
                    "-pattern_type", "sequence", "-i", sequencePattern(folder)]
        let withAudio = audio != nil && format.audio
        if let audio, withAudio {
            base += ["-ss", String(format: "%.6f", audio.start), "-t", String(format: "%.6f", audio.duration),
                     "-i", "file:" + audio.path, "-map", "0:v:0", "-map", "1:a:0"]
        }
        // No -frames:v: with it ffmpeg ends the output before the audio's packets are written.
        // The folder holds exactly `count` frames and the audio is cut to their duration.
        base += format.video
        var attempts: [[String]] = []
        if withAudio { attempts.append(base + ["-c:a", "copy", "-f", format.format, "file:" + temporary.path]) }
        attempts.append(base + ["-f", format.format, "file:" + temporary.path])  // audio re-encoded (or none)
        var last = ""
        for arguments in attempts {
            let outcome = try run(ffmpeg, arguments, stdoutCapture: false)
            if outcome.status == 0 {
                try AtomicRename.commit(temporary.path, to: output)
                return
            }
            last = FFmpegDiagnosis.explanation(outcome, path: temporary.path, doing: "encoding")
        }
        throw VideoError.ffmpegFailed(last)
    }

    /// The image2 pattern of `folder/000000.png…`: `file:` first (a folder named `http:x` is no
    /// protocol) and every `%` of the folder doubled, so only `%06d` is a pattern (a folder named
    /// `wd%03d` or `100%` is a plain name). Inputs are read with `-pattern_type sequence`, so
    /// `*`, `?`, `[` and `{` are plain characters too.
    static func sequencePattern(_ folder: String) -> String {
        "file:" + folder.replacingOccurrences(of: "%", with: "%%") + "/%06d.png"
    }
}

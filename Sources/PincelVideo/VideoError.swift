import Pincel
import PincelCore
import PincelImaging

/// Why a video transfer cannot start or stopped. Every `description` is one line.
public enum VideoError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `ffmpeg` or `ffprobe` is not on the `PATH`.
    case toolMissing(String)
    /// The input is not a video (or frame folder) this transfer can read; the text says why.
    case unreadableInput(path: String, reason: String)
    /// The input is a video whose bytes end early or are corrupt (a copy cut short, a download
    /// that stopped); `detail` is ffmpeg's line that says so.
    case damagedInput(path: String, detail: String)
    /// The output's extension names no container this transfer writes.
    case unsupportedOutput(path: String)
    /// A setting of ``VideoOptions`` (or the request's output) is out of range or does not fit
    /// the input; the text completes a sentence that starts with "the" and the setting's
    /// ``VideoSetting/words``: `temporal weight` + `must be finite and at least 0, got -1`.
    case invalidSetting(VideoSetting, String)
    /// The work folder holds frames made with other settings or another input.
    case workFolderMismatch(path: String)
    /// The work folder cannot be used: it holds files Pincel did not write, or the input or the
    /// output (Pincel deletes what it wrote there at the end); `reason` says which.
    case workFolderRefused(path: String, reason: String)
    /// Reading or writing the work folder failed.
    case workFolder(path: String, reason: String)
    /// `ffmpeg` failed while decoding or encoding; its first error line.
    case ffmpegFailed(String)
    /// OpenCV's optical flow failed.
    case flowFailed(String)
    /// A flow field or temporal target of the wrong size (a damaged flow file, a bug).
    case badFlow(String)

    /// The error in one line.
    public var description: String {
        let text: String
        switch self {
        case .toolMissing(let tool):
            text = "\(tool) was not found on the PATH; install Debian's ffmpeg package"
        case .unreadableInput(let path, let reason):
            text = "cannot read the video \(path): \(reason)"
        case .damagedInput(let path, let detail):
            text = "\(path): the video is truncated or damaged (ffmpeg: \(detail))"
        case .unsupportedOutput(let path):
            text = "cannot write the video \(path): give it the extension .mp4, .mov, .mkv, .webm or .gif"
        case .invalidSetting(let setting, let reason):
            text = "the \(setting.words) \(reason)"
        case .workFolderMismatch(let path):
            text = "the work folder \(path) holds frames of another input or other settings; remove it or choose another work folder"
        case .workFolderRefused(let path, let reason):
            text = "cannot use \(path) as the work folder: \(reason)"
        case .workFolder(let path, let reason):
            text = "work folder \(path): \(reason)"
        case .ffmpegFailed(let line):
            text = "ffmpeg failed: \(line)"
        case .flowFailed(let line):
            text = "optical flow failed: \(line)"
        case .badFlow(let line):
            text = "bad optical flow: \(line)"
        }
        return OneLine.sanitize(text)
    }
}

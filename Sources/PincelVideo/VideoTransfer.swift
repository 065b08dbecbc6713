import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Stylises a video frame by frame without flicker: Ruder, Dosovitskiy & Brox, *Artistic
/// style transfer for videos* (GCPR 2016, arXiv:1604.08610).
///
/// Each frame is a style transfer (``StyleTransfer``'s objective) plus a temporal loss that
/// ties it to the previous result: frame t starts from frame t−1's result warped by the
/// optical flow between the two photos (OpenCV's DIS flow; pixels with no source taken from
/// the photo), and pays `temporal_weight · mean(c · (x − warp(x_{t−1}))²)` where `c` marks the
/// pixels the flow can be trusted on (forward–backward consistency, no motion boundary).
/// The first frame gets ``VideoOptions/firstIterations``, later ones
/// ``VideoOptions/iterations``.
///
/// Frames are decoded with Debian's `ffmpeg` (see the work folder in ``VideoRequest``),
/// every intermediate file is written atomically, and a rerun of the same request continues
/// after the last finished frame. Cancelling the awaiting task stops the current frame
/// (it is not kept) and returns a ``VideoResult`` whose stop is
/// ``VideoResult/Stop/cancelled``.
public struct VideoTransfer: Sendable, VideoPipeline {
    /// The request, validated.
    public let request: VideoRequest
    /// The VGG19 weights.
    public let weights: VGG19Weights

    /// Checks the settings (``VideoOptions/validate(styleCount:)``) and the output's
    /// extension; reads nothing.
    ///
    /// - Throws: ``TransferError`` or ``VideoError`` for the first bad setting.
    public init(_ request: VideoRequest, weights: VGG19Weights) throws {
        try request.options.validate(styleCount: request.styles.count)
        try request.spatial.validate(styleCount: request.styles.count, styleBlend: request.options.transfer.styleBlend)
        guard FFmpeg.outputFormat(request.output) != nil else { throw VideoError.unsupportedOutput(path: request.output) }
        self.request = request
        self.weights = weights
    }

    /// The output extensions a video transfer writes (lower case, without the dot).
    public static let outputExtensions = ["mp4", "m4v", "mov", "mkv", "webm", "gif"]

    /// Reads the input as ``run(onEvent:)`` does first (ffprobe for a video file, the file list
    /// of a folder), without decoding frames or loading weights, so a front end can refuse a
    /// bad input before anything slow.
    ///
    /// - Returns: frames in the input, and its frame rate (`num/den`; a folder's is
    ///   ``VideoOptions/frameRate``).
    /// - Throws: ``VideoError/unreadableInput(path:reason:)`` or ``VideoError/toolMissing(_:)``.
    public static func inspect(input: String, options: VideoOptions = VideoOptions()) throws -> (frames: Int, frameRate: String) {
        let probed = try probe(absolute(input), shownAs: input, options: options)
        return (probed.frames, probed.frameRate)
    }

    /// Checks, as ``run(onEvent:)`` does first and without writing anything, that the request's
    /// work folder may be used: Pincel deletes the files it wrote there at the end, so the
    /// folder must be new, empty or one an earlier run made (its `pincel-work.txt` marker),
    /// and it must not hold the input or the output.
    ///
    /// - Throws: ``VideoError/workFolderRefused(path:reason:)``, or
    ///   ``VideoError/workFolder(path:reason:)`` when it cannot be read.
    public static func checkWorkFolder(_ request: VideoRequest) throws {
        try workFolder(request).checkUse(input: absolute(request.input), output: absolute(request.output),
                                         shown: (request.input, request.output))
    }

    /// The paintings at the size the transfer's ``TransferOptions/styleScale`` gives.
    func styleSide(frameSide: Int) -> Int {
        LoadedImages.styleSide(size: frameSide, styleScale: request.options.transfer.styleScale)
    }

    /// Nothing: the options are the whole of a Gatys run's settings.
    var engineFingerprint: [String] { [] }

    static func workFolder(_ request: VideoRequest) -> VideoWorkFolder {
        VideoWorkFolder(path: absolute(request.resolvedWorkFolder), shownAs: request.resolvedWorkFolder)
    }

    /// Runs the video transfer on a thread of its own.
    ///
    /// - Parameter onEvent: called on that thread with each event, in order; keep it short.
    /// - Returns: the result (completed, or cancelled with the finished frames kept).
    /// - Throws: ``VideoError`` for an input that cannot be read (before any work), a work
    ///   folder of other settings, or an ffmpeg or flow failure; ``ImageError``,
    ///   ``TransferError``, ``TransferFailure`` as ``StyleTransfer/run(onEvent:)``.
    public func run(onEvent: @escaping @Sendable (VideoEvent) -> Void = { _ in }) async throws -> VideoResult {
        try await BlockingWork.run(name: "pincel-video") { stop in try self.runBlocking(stop: stop, onEvent: onEvent) }
    }

    /// The input as probed: a video file through ffprobe, or a folder of frames.
    struct Input {
        var width: Int
        var height: Int
        var frameRate: String
        var frames: Int
        var hasAudio: Bool
        /// The frame files of a folder input, in order; `nil` for a video file.
        var files: [String]?
    }

    /// Image files of a frame folder, in name order with numbers compared as numbers.
    static func frameFiles(in folder: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let images = names.filter { ["png", "jpg", "jpeg", "webp", "tif", "tiff"].contains(($0 as NSString).pathExtension.lowercased()) }
            .filter { !$0.hasPrefix(".") }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !images.isEmpty else {
            throw VideoError.unreadableInput(path: folder, reason: "the folder holds no PNG, JPEG, WebP or TIFF frames")
        }
        return images.map { folder + "/" + $0 }
    }

    static func probe(_ path: String, shownAs: String, options: VideoOptions) throws -> Input {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw VideoError.unreadableInput(path: path, reason: "no such file or folder")
        }
        if isFolder.boolValue {
            let files = try frameFiles(in: path)
            let info = try ImageIO.imageInfo(files[0])
            return Input(width: info.width, height: info.height, frameRate: options.frameRate, frames: files.count,
                         hasAudio: false, files: files)
        }
        let p = try FFmpeg.probe(path, shownAs: shownAs)
        return Input(width: p.width, height: p.height, frameRate: p.frameRate, frames: p.frames, hasAudio: p.hasAudio, files: nil)
    }

    /// Frame size for a longer side of `size`: the aspect ratio kept, both sides even (the
    /// H.264 and VP9 encoders need 4:2:0 chroma) and at least 32.
    static func frameSize(width: Int, height: Int, size: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        func side(_ s: Int) -> Int {
            let scaled = Int((Double(s) * Double(size) / Double(longer)).rounded())
            return max(32, scaled - scaled % 2)
        }
        return (side(width), side(height))
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// A short, stable hash (FNV-1a 64) of a text.
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}

import Pincel
import PincelCore
import PincelImaging

/// The settings of a video transfer: the per-frame transfer's settings plus the temporal ones
/// of Ruder, Dosovitskiy & Brox, *Artistic style transfer for videos* (GCPR 2016).
public struct VideoOptions: Sendable {
    /// The settings of each frame's transfer (size, weights, layers, colours, optimiser…).
    /// Its ``TransferOptions/iterations`` is replaced by ``firstIterations`` and
    /// ``iterations``; its ``TransferOptions/initial`` applies to the first frame only (and to
    /// every frame with ``warmStart`` off).
    public var transfer = TransferOptions()
    /// Weight of the temporal loss `temporal_weight · mean(c · (x − warp(x_{t−1}))²)`, finite
    /// and at least 0; 0 leaves only the warm start to tie frames together.
    public var temporalWeight: Float = 1e3
    /// Objective evaluations of the first frame (it starts from ``TransferOptions/initial``).
    public var firstIterations = 400
    /// Objective evaluations of every later frame (each starts from the previous result
    /// warped by the optical flow, so it needs fewer).
    public var iterations = 100
    /// Long-term temporal terms (Ruder et al., eq. 4): offsets `j` above 1 of earlier frames
    /// whose results are warped onto the current frame too, each counted only where no nearer
    /// frame was reliable (a region that reappears after an occlusion keeps its look). Empty
    /// (the default): the previous frame only. At most 8 offsets, each 2…64.
    public var longTermFrames: [Int] = []
    /// The frames to stylise, 0-based, end excluded (`nil`: all); clipped to the video.
    public var frames: Range<Int>? = nil
    /// Frames per second of a folder of frames (`num/den` or a number); a video file keeps its
    /// own rate.
    public var frameRate = "25"
    /// Start each later frame from the previous result warped by the flow (default). Off,
    /// every frame starts like the first and gets ``firstIterations``: with
    /// ``temporalWeight`` 0 that is the independent per-frame baseline.
    public var warmStart = true
    /// Keep the work folder after the video is written. By default Pincel's files there are
    /// deleted, and the folder too when Pincel created it and nothing else is left in it.
    public var keepWorkFolder = false

    /// The defaults.
    public init() {}

    /// Checks every setting; loads nothing.
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` for the per-frame settings,
    ///   ``VideoError/invalidSetting(_:_:)`` for the temporal ones.
    public func validate(styleCount: Int) throws {
        var first = transfer
        first.iterations = firstIterations
        try first.validate(styleCount: styleCount)
        guard TransferLimits.iterations.contains(iterations) else {
            throw VideoError.invalidSetting(.iterations, "must be between 1 and \(TransferLimits.iterations.upperBound), got \(iterations)")
        }
        guard temporalWeight.isFinite, temporalWeight >= 0 else {
            throw VideoError.invalidSetting(.temporalWeight, "must be finite and at least 0, got \(temporalWeight)")
        }
        guard longTermFrames.count <= 8, longTermFrames.allSatisfy({ (2...64).contains($0) }) else {
            throw VideoError.invalidSetting(.longTermFrames, "must be at most 8 numbers, each 2…64, got \(longTermFrames)")
        }
        if let frames {
            guard frames.lowerBound >= 0, !frames.isEmpty else {
                throw VideoError.invalidSetting(.frames, "must start at 0 or later and hold at least one frame, got \(frames.lowerBound)..<\(frames.upperBound)")
            }
        }
        guard FFmpeg.rateValue(frameRate) != nil else {
            throw VideoError.invalidSetting(.frameRate, "must be a number or num/den between 0.01 and 1000, got '\(frameRate)'")
        }
    }
}

/// A video to stylise: the input, the style images, the output and where to keep the work.
public struct VideoRequest: Sendable {
    /// A video file (mp4, webm, mov, mkv, GIF: anything Debian's ffmpeg decodes) or a folder of
    /// numbered frames (PNG, JPEG, WebP, TIFF; in name order, numbers compared as numbers).
    public var input: String
    /// The style images (blended by ``TransferOptions/styleBlend``).
    public var styles: [ImageSource]
    /// The video to write: `.mp4`, `.mov`, `.mkv` (H.264), `.webm` (VP9) or `.gif`.
    public var output: String
    /// Where the frames, flows and finished frames are kept (``VideoTransfer``); `nil`: next to
    /// the output, named after it (`out.mp4` → `out.mp4.pincel-work`). It must be new, empty or
    /// one an earlier run made, and must not hold the input or the output
    /// (``VideoTransfer/checkWorkFolder(_:)``).
    public var workFolder: String?
    /// The settings.
    public var options: VideoOptions
    /// Style masks, style regions and the change mask (``SpatialControl``), the same still masks
    /// for every frame (resized to the frames' size): for a camera that does not move. Empty by
    /// default.
    public var spatial = SpatialControl()

    /// A request; ``workFolder`` `nil` puts the work folder next to the output.
    public init(input: String, styles: [ImageSource], output: String, workFolder: String? = nil,
                options: VideoOptions = VideoOptions()) {
        self.input = input
        self.styles = styles
        self.output = output
        self.workFolder = workFolder
        self.options = options
    }

    /// The work folder used: ``workFolder`` or the default next to the output.
    public var resolvedWorkFolder: String { workFolder ?? output + ".pincel-work" }
}

import Pincel
import PincelCore
import PincelImaging

/// What a running video transfer reports, in order: ``started(_:)`` once the frames are
/// decoded, ``progress(_:)`` after every objective evaluation, ``frameFinished(_:)`` after
/// each frame (also for frames found finished in the work folder), ``encoding`` before the
/// output is written.
public enum VideoEvent: Sendable {
    /// The frames are decoded; the transfer begins.
    case started(VideoStart)
    /// An evaluation of the current frame's objective.
    case progress(VideoProgress)
    /// A frame is finished and saved in the work folder.
    case frameFinished(VideoFrameReport)
    /// Every frame is done; the output is being encoded.
    case encoding
}

/// A video transfer as it starts.
public struct VideoStart: Sendable {
    /// Frame width and height, pixels (even, for the encoders).
    public var width: Int
    /// Frame height, pixels.
    public var height: Int
    /// Frames to stylise.
    public var frames: Int
    /// Frames already finished in the work folder (a resumed run), skipped.
    public var alreadyDone: Int
    /// Frames per second of the output (`num/den`).
    public var frameRate: String
    /// The input has an audio stream, which is copied.
    public var hasAudio: Bool
    /// The seed of the first frame's noise start (kept in the work folder across reruns).
    public var seed: UInt64
    /// The work folder.
    public var workFolder: String
}

/// One evaluation of a frame's transfer, with the overall position.
public struct VideoProgress: Sendable {
    /// The frame, 0-based within the range.
    public var frame: Int
    /// Frames to stylise.
    public var frames: Int
    /// The frame's transfer: evaluation, loss terms (``GatysObjective/Terms/temporal`` too).
    public var transfer: TransferProgress
    /// Seconds since the run began.
    public var elapsed: Double
    /// Estimated seconds until every frame is done (`nil` before one frame finished).
    public var remaining: Double?
}

/// A finished frame.
public struct VideoFrameReport: Sendable {
    /// The frame, 0-based within the range.
    public var frame: Int
    /// Frames to stylise.
    public var frames: Int
    /// Found finished in the work folder (a resumed run): no numbers below.
    public var resumed: Bool
    /// Its objective as saved (8-bit), temporal term included.
    public var terms: GatysObjective.Terms
    /// Objective evaluations run.
    public var iterations: Int
    /// Seconds for this frame (flow, warping and optimisation).
    public var seconds: Double
    /// Share of pixels whose warped previous frame was trusted (the temporal loss's weight
    /// `c` = 1); 0 for the first frame.
    public var reliable: Double
    /// Estimated seconds until every frame is done.
    public var remaining: Double?
}

/// What a video transfer produced.
public struct VideoResult: Sendable {
    /// How the run ended.
    public enum Stop: Sendable, Equatable {
        /// Every frame was stylised and the output written.
        case completed
        /// Cancelled: the finished frames stay in the work folder; a rerun continues.
        case cancelled
    }
    /// How the run ended.
    public var stop: Stop
    /// Frames to stylise.
    public var frames: Int
    /// Frames finished (in the work folder), this run's and earlier runs'.
    public var framesDone: Int
    /// Each frame stylised in this run, in order.
    public var reports: [VideoFrameReport]
    /// The mean squared warping error between consecutive finished frames on reliable pixels
    /// (Ruder et al.'s measure, 0…255 pixel values), over the
    /// finished frames after the first; `nil` with fewer than two.
    public var warpingError: Double?
    /// Seconds of the whole run.
    public var seconds: Double
    /// The work folder (emptied of Pincel's files after a completed run unless
    /// ``VideoOptions/keepWorkFolder``).
    public var workFolder: String
}

import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Stylises a video with the instant network (``InstantStylizer``), many frames a second, and
/// keeps the texture from shimmering by blending each frame with the previous output warped
/// along the optical flow.
///
/// It is made like ``VideoTransfer``: a ``VideoRequest`` (input, paintings, output,
/// ``VideoOptions``) and an ``InstantStylizer``; `run` returns the ``VideoResult`` (with the
/// clip's warping error). `pincel video --instant` is its command line.
///
/// The style vector is computed once for the whole clip: the paintings' vectors mixed by
/// ``TransferOptions/styleBlend``, moved towards the first frame's own vector when
/// ``strength`` is below 1 (``TransferOptions/colors`` `.match` matches the paintings'
/// colours to the first frame). Every frame goes through the network with it; from the second
/// frame on, the network's picture is blended with the previous output warped by the flow
/// between the two photos (OpenCV's DIS, both ways), where the temporal loss of
/// ``VideoTransfer`` would trust it (forward–backward consistency, no motion boundary):
/// `out_t = c · (α · warp(out_{t−1}) + (1 − α) · net_t) + (1 − c) · net_t`, with
/// `α` = ``temporalBlend``. Where the flow is not trusted, the frame is the network's picture.
///
/// Everything else is as for ``VideoTransfer``: ffmpeg decodes and encodes (frame rate kept,
/// audio copied), the work folder of ``VideoRequest`` holds only Pincel's files and a rerun
/// continues after the last finished frame, the output is written atomically, and the result's
/// ``VideoResult/warpingError`` measures the temporal consistency. No VGG19 weights are read.
/// Of ``VideoOptions`` the frame range, ``VideoOptions/frameRate``,
/// ``VideoOptions/keepWorkFolder`` and, of its transfer options, the size, the style blend,
/// the colours and ``TransferOptions/maxPixels`` apply; the optimisation settings do not.
/// Events: ``VideoEvent/started(_:)``, ``VideoEvent/frameFinished(_:)`` per frame (no
/// ``VideoEvent/progress(_:)``), ``VideoEvent/encoding``.
public struct InstantVideoTransfer: Sendable, VideoPipeline {
    /// The request, validated.
    public let request: VideoRequest
    /// How far from the first frame's own style towards the paintings' (0…1; 1, the default,
    /// is the paintings' style alone), as ``InstantTransfer/strength``.
    public let strength: Float
    /// `α`: the weight of the previous output, warped, on the pixels where the flow is
    /// reliable (0…0.95; 0 stylises every frame on its own).
    public let temporalBlend: Float
    /// The networks.
    public let stylizer: InstantStylizer

    /// The default ``temporalBlend``, chosen by measurement (BENCHMARKS.md, "Instant video").
    public static let defaultTemporalBlend: Float = 0.5
    /// The largest ``temporalBlend``: at 1 a reliable pixel would never take the network's
    /// picture again.
    public static let maximumTemporalBlend: Float = 0.95

    /// Checks the settings and the output's extension (``validate(_:strength:temporalBlend:)``);
    /// reads nothing.
    ///
    /// - Throws: as ``validate(_:strength:temporalBlend:)``.
    public init(_ request: VideoRequest, strength: Float = 1, temporalBlend: Float = defaultTemporalBlend,
                stylizer: InstantStylizer) throws {
        try Self.validate(request, strength: strength, temporalBlend: temporalBlend)
        self.request = request
        self.strength = strength
        self.temporalBlend = temporalBlend
        self.stylizer = stylizer
    }

    /// Checks a request's settings and its output's extension for an instant video, without
    /// the networks (a front end can refuse a bad setting before loading them).
    ///
    /// - Throws: ``TransferError`` for a bad per-frame setting, a strength outside 0…1 or
    ///   masks (the instant network takes none); ``VideoError`` for a bad video setting, a
    ///   `temporalBlend` outside 0…``maximumTemporalBlend`` or an unknown output extension.
    public static func validate(_ request: VideoRequest, strength: Float, temporalBlend: Float) throws {
        try request.options.validate(styleCount: request.styles.count)
        guard strength >= 0, strength <= 1 else {  // false for NaN
            throw TransferError.invalidSetting(.instantStrength, "must be between 0 and 1, got \(strength)")
        }
        guard temporalBlend >= 0, temporalBlend <= maximumTemporalBlend else {
            throw VideoError.invalidSetting(.instantBlend, "must be between 0 and \(maximumTemporalBlend), got \(temporalBlend)")
        }
        guard request.spatial.isEmpty else {
            throw TransferError.invalidSetting(.mask, "is for optimised transfers; the instant network takes no masks")
        }
        guard FFmpeg.outputFormat(request.output) != nil else { throw VideoError.unsupportedOutput(path: request.output) }
    }

    /// Runs the video transfer on a thread of its own.
    ///
    /// - Parameter onEvent: called on that thread with each event, in order; keep it short.
    /// - Returns: the result (completed, or cancelled with the finished frames kept).
    /// - Throws: ``VideoError`` for an input that cannot be read (before any work), a work
    ///   folder of other settings, or an ffmpeg or flow failure; ``ImageError`` or
    ///   ``TransferError`` for a painting or frame that cannot be read or used.
    public func run(onEvent: @escaping @Sendable (VideoEvent) -> Void = { _ in }) async throws -> VideoResult {
        try await BlockingWork.run(name: "pincel-instant-video") { stop in try self.runBlocking(stop: stop, onEvent: onEvent) }
    }

    /// The longer side paintings are decoded at before their centre square is taken (as for
    /// an instant still).
    func styleSide(frameSide: Int) -> Int { 768 }

    /// The engine and its settings: an instant run's frames are not a Gatys run's.
    var engineFingerprint: [String] { ["engine instant strength \(strength) blend \(temporalBlend)"] }
}

import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The frames of a video transfer, one after the other.
extension VideoTransfer {
    /// The finished frames kept for the temporal terms: each one's photo and result, by index.
    typealias RecentFrames = [Int: (photo: Tensor, styled: Tensor)]

    /// The frames, the warping error and the encoding, once the work folder is open.
    func runFrames(_ run: VideoRun, onEvent: (VideoEvent) -> Void) throws -> VideoResult {
        let options = request.options
        let (count, done) = try startFrames(run, onEvent: onEvent)
        var reports: [VideoFrameReport] = []
        let flow = try DISFlow()
        // The earlier frames the temporal terms look back to: 1 (the previous) and the long-term offsets.
        let offsets = [1] + options.longTermFrames.filter { $0 > 1 }.sorted()
        var recent: RecentFrames = [:]
        for j in offsets where done - j >= 0 {
            recent[done - j] = (try ImageIO.load(run.work.frame(done - j)), try ImageIO.load(run.work.styled(done - j)))
        }
        for i in done..<count {
            let eta = Self.remaining(after: i - 1, of: count, reports: reports, options: options)
            guard !run.stop.isRaised,
                  var report = try styliseFrame(i, of: count, run: run, recent: &recent, offsets: offsets, flow: flow,
                                                eta: eta, onEvent: onEvent) else {
                return run.result(.cancelled, frames: count, framesDone: i, reports: reports, warpingError: nil)
            }
            reports.append(report)
            report.remaining = Self.remaining(after: i, of: count, reports: reports, options: options)
            reports[reports.count - 1] = report
            onEvent(.frameFinished(report))
        }
        let consistency = try warpingError(work: run.work, count: count, flow: flow)
        onEvent(.encoding)
        return try encode(run, count: count, reports: reports, warpingError: consistency)
    }

    /// Stylises frame `i`: its temporal terms from the recent frames, the transfer, the result
    /// saved to the work folder and kept in `recent`. Returns `nil` when the run was stopped
    /// during the frame (the frame is not kept).
    func styliseFrame(_ i: Int, of count: Int, run: VideoRun, recent: inout RecentFrames, offsets: [Int], flow: DISFlow,
                      eta: Double?, onEvent: (VideoEvent) -> Void) throws -> VideoFrameReport? {
        let options = request.options
        let frameClock = run.elapsed()
        let photo = try ImageIO.load(run.work.frame(i))
        var transfer = options.transfer
        transfer.seed = run.seed
        transfer.iterations = i == 0 || !options.warmStart ? options.firstIterations : options.iterations
        let temporal = try temporalTerms(frame: i, photo: photo, recent: recent, offsets: offsets, flow: flow, run: run)
        let initialImage: Tensor?
        if let warmStart = temporal.warmStart {
            transfer.initial = .image(.pixels(warmStart))
            initialImage = warmStart
        } else if transfer.initial == .instant {
            initialImage = try InstantTransfer.picture(content: photo, styles: run.styles, blend: transfer.styleBlend,
                                                       colors: transfer.colors, strength: 1, stylizer: InstantStylizer.shared()).0
        } else {
            initialImage = try LoadedImages.initialImage(transfer.initial, styles: run.styles, width: run.width, height: run.height,
                                                         maxPixels: transfer.maxPixels)
        }
        let result = try TransferEngine.run(content: photo, styles: run.styles, weights: weights, options: transfer,
                                            initialImage: initialImage, spatial: run.spatial, pixelTerm: temporal.term) { p, _ in
            onEvent(.progress(VideoProgress(frame: i, frames: count, transfer: p, elapsed: run.elapsed(), remaining: eta)))
            return !run.stop.isRaised
        }
        if result.stop == .cancelled { return nil }
        let styled = Tensor(shape: result.image.shape, data: result.image.data.map { min(max($0.rounded(), 0), 255) })
        try ImageIO.save(styled, to: run.work.styled(i))
        recent[i] = (photo, styled)
        recent = recent.filter { $0.key > i - (offsets.last ?? 1) }
        return VideoFrameReport(frame: i, frames: count, resumed: false, terms: result.quantizedTerms,
                                iterations: result.iterations, seconds: run.elapsed() - frameClock,
                                reliable: temporal.reliable, remaining: nil)
    }

    /// Seconds left after `frame` of `count`: the mean time of the later frames so far (or the
    /// first frame's, scaled by the iterations) times the frames left; `nil` before any frame.
    static func remaining(after frame: Int, of count: Int, reports: [VideoFrameReport], options: VideoOptions) -> Double? {
        let later = reports.filter { $0.frame > 0 }.map(\.seconds)
        let perFrame = later.isEmpty
            ? reports.last.map { $0.seconds * Double(options.iterations) / Double(options.firstIterations) }
            : later.reduce(0, +) / Double(later.count)
        return perFrame.map { $0 * Double(count - frame - 1) }
    }
}

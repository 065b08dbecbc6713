import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The frames of an instant video transfer, one after the other.
extension InstantVideoTransfer {
    /// The frames, the warping error and the encoding, once the work folder is open.
    func runFrames(_ run: VideoRun, onEvent: (VideoEvent) -> Void) throws -> VideoResult {
        let (count, done) = try startFrames(run, onEvent: onEvent)
        let flow = try DISFlow()
        let vector = try styleVector(run: run, firstFrame: try ImageIO.load(run.work.frame(0)))
        // The previous frame's photo and output (a resumed run's from the work folder: the
        // blend continues exactly as without the interruption).
        var previous: (photo: Tensor, styled: Tensor)? = nil
        if done > 0 { previous = (try ImageIO.load(run.work.frame(done - 1)), try ImageIO.load(run.work.styled(done - 1))) }
        var reports: [VideoFrameReport] = []
        for i in done..<count {
            guard !run.stop.isRaised else {
                return run.result(.cancelled, frames: count, framesDone: i, reports: reports, warpingError: nil)
            }
            let clock = run.elapsed()
            let photo = try ImageIO.load(run.work.frame(i))
            let (styled, reliable) = try frame(i, photo: photo, previous: previous, vector: vector, run: run, flow: flow)
            try ImageIO.save(styled, to: run.work.styled(i))
            previous = (photo, styled)
            var report = VideoFrameReport(frame: i, frames: count, resumed: false, terms: .init(), iterations: 0,
                                          seconds: run.elapsed() - clock, reliable: reliable, remaining: nil)
            let mean = (reports.map(\.seconds).reduce(0, +) + report.seconds) / Double(reports.count + 1)
            report.remaining = mean * Double(count - i - 1)
            reports.append(report)
            onEvent(.frameFinished(report))
        }
        if run.stop.isRaised { return run.result(.cancelled, frames: count, framesDone: count, reports: reports, warpingError: nil) }
        let consistency = try warpingError(work: run.work, count: count, flow: flow)
        onEvent(.encoding)
        return try encode(run, count: count, reports: reports, warpingError: consistency)
    }

    /// Frame `i`'s output, rounded to 8-bit values as saved: the network's picture, blended
    /// with the previous output (``TemporalBlend``) when there is one and ``temporalBlend``
    /// is above 0; and the share of reliable pixels (0 for a frame not blended).
    func frame(_ i: Int, photo: Tensor, previous: (photo: Tensor, styled: Tensor)?, vector: StyleVector,
               run: VideoRun, flow: DISFlow) throws -> (image: Tensor, reliable: Double) {
        var image = try picture(photo, vector: vector)
        var reliable = 0.0
        if let previous, temporalBlend > 0 {
            let flows = try self.flows(work: run.work, index: i, from: photo, to: previous.photo, flow: flow)
            (image, reliable) = TemporalBlend.blend(image, previous: previous.styled, backward: flows.backward,
                                                    forward: flows.forward, amount: temporalBlend)
        }
        for k in image.data.indices { image.data[k] = min(max(image.data[k].rounded(), 0), 255) }
        return (image, reliable)
    }

    /// The clip's style vector, once: the paintings' vectors mixed by the style blend, moved
    /// towards the first frame's own vector by ``strength`` (as an instant still of that frame).
    func styleVector(run: VideoRun, firstFrame: Tensor) throws -> StyleVector {
        let transfer = request.options.transfer
        let paintings = transfer.colors == .match ? run.styles.map { ColorSpace.matchColors($0, to: firstFrame) } : run.styles
        let vectors = try paintings.map { try stylizer.styleVector(of: $0) }
        let vector = try StyleVector.blend(vectors, weights: transfer.styleBlend ?? Array(repeating: 1, count: vectors.count))
        guard strength < 1 else { return vector }
        return try stylizer.styleVector(of: firstFrame).interpolated(to: vector, amount: strength)
    }

    /// The network's picture of one photo; `.luminance` and `.yuv` keep its luminance with the
    /// photo's colours, as for an instant still.
    func picture(_ photo: Tensor, vector: StyleVector) throws -> Tensor {
        let image = try stylizer.stylize(photo, style: vector)
        let colors = request.options.transfer.colors
        guard colors == .luminance || colors == .yuv else { return image }
        var combined = ColorSpace.combine(luminance: ColorSpace.luminance(image), chromaOf: photo)
        for k in combined.data.indices { combined.data[k] = min(max(combined.data[k], 0), 255) }
        return combined
    }
}

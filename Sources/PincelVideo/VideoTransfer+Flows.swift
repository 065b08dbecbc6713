import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The optical flows of a video transfer: the flows between frames (kept in the work folder),
/// the temporal terms they give a frame, and the warping error of the finished frames.
extension VideoPipeline {
    /// The flows between frame `index` and frame `index − offset`, from the work folder, or computed and saved there.
    func flows(work: VideoWorkFolder, index: Int, offset: Int = 1, from photo: Tensor, to previous: Tensor,
               flow: DISFlow) throws -> (backward: FlowField, forward: FlowField) {
        let (h, w) = (photo.shape[1], photo.shape[2])
        if let saved = work.loadFlows(index: index, offset: offset, width: w, height: h) { return saved }
        let backward = try flow.flow(from: photo, to: previous)
        let forward = try flow.flow(from: previous, to: photo)
        try work.saveFlows(backward, forward, index: index, offset: offset)
        return (backward, forward)
    }

    /// Mean warping error over the finished frames `1..<count` in the work folder.
    func warpingError(work: VideoWorkFolder, count: Int, flow: DISFlow) throws -> Double? {
        guard count >= 2 else { return nil }
        var sum = 0.0
        var previous = (photo: try ImageIO.load(work.frame(0)), styled: try ImageIO.load(work.styled(0)))
        for i in 1..<count {
            let current = (photo: try ImageIO.load(work.frame(i)), styled: try ImageIO.load(work.styled(i)))
            let f = try flows(work: work, index: i, from: current.photo, to: previous.photo, flow: flow)
            sum += Self.warpingError(previous: previous.styled, current: current.styled, backward: f.backward, forward: f.forward)
            previous = current
        }
        return sum / Double(count - 1)
    }

    /// Ruder et al.'s temporal consistency measure between two consecutive results:
    /// `Σ_p c_p Σ_ch (current − warp(previous))² / (C · Σ_p c_p)` on 0…255 values.
    static func warpingError(previous: Tensor, current: Tensor, backward: FlowField, forward: FlowField) -> Double {
        let c = Reliability.weights(backward: backward, forward: forward)
        let warped = FlowWarp.warp(previous.data, channels: 3, flow: backward).image
        let hw = c.count
        var sum = 0.0, weight = 0.0
        for ch in 0..<3 {
            for p in 0..<hw where c[p] > 0 {
                let d = Double(current.data[ch * hw + p] - warped[ch * hw + p])
                sum += d * d
                weight += 1
            }
        }
        return weight > 0 ? sum / weight : 0
    }
}

extension VideoTransfer {
    /// What the earlier frames give frame `i`: the previous result warped along the flow (the
    /// warm start, with ``VideoOptions/warmStart`` on), the temporal loss over the previous and
    /// the long-term frames (`nil` with ``VideoOptions/temporalWeight`` 0), and the share of
    /// pixels the flow from the previous frame is reliable on. Nothing without the previous
    /// frame's result.
    func temporalTerms(frame i: Int, photo: Tensor, recent: RecentFrames, offsets: [Int], flow: DISFlow,
                       run: VideoRun) throws -> (warmStart: Tensor?, term: TemporalLoss?, reliable: Double) {
        let options = request.options
        guard recent[i - 1] != nil else { return (nil, nil, 0) }
        let (w, h) = (run.width, run.height)
        var warmStart: Tensor? = nil
        var reliable = 0.0
        // Ruder et al.'s long-term weights: frame t−j counts only where no nearer frame
        // in the set was reliable, c_long_j = max(c_j − Σ_{l<j} c_l, 0).
        var targets: [TemporalLoss.Target] = []
        var covered = [Float](repeating: 0, count: h * w)
        let luminance = options.transfer.colors == .luminance
        for j in offsets {
            guard let earlier = recent[i - j] else { continue }
            if j > 1 && options.temporalWeight == 0 { break }
            let flows = try self.flows(work: run.work, index: i, offset: j, from: photo, to: earlier.photo, flow: flow)
            let c = Reliability.weights(backward: flows.backward, forward: flows.forward)
            let warped = Tensor(shape: [3, h, w], data: FlowWarp.warp(earlier.styled.data, channels: 3, flow: flows.backward,
                                                                       fallback: photo.data).image)
            if j == 1 {
                reliable = Double(c.reduce(0, +)) / Double(max(1, c.count))
                if options.warmStart { warmStart = warped }
            }
            let weights = zip(c, covered).map { max($0 - $1, 0) }
            for p in 0..<covered.count { covered[p] += c[p] }
            targets.append(.init(warped: luminance ? ColorSpace.luminance(warped).data : warped.data, weights: weights))
        }
        guard options.temporalWeight > 0 else { return (warmStart, nil, reliable) }
        let term = try TemporalLoss(weight: options.temporalWeight, channels: luminance ? 1 : 3, pixels: h * w, targets: targets)
        return (warmStart, term, reliable)
    }
}

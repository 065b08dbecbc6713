import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The work folder's files of a video transfer: decoded frames, flows, the warping error.
extension VideoTransfer {
    /// Decodes the range into the work folder's `frames/` (once: a rerun finds it there).
    /// Returns the number of frames.
    func decodeFrames(input: Input, path: String, range: Range<Int>, width: Int, height: Int, work: VideoWorkFolder) throws -> Int {
        let fm = FileManager.default
        if !fm.fileExists(atPath: work.framesFolder) {
            let partial = work.partialFramesFolder
            work.removePartialFrames()  // an interrupted decode's
            guard mkdir(partial, 0o777) == 0 || errno == EEXIST else {
                throw VideoError.workFolder(path: work.shownAs, reason: "cannot create frames.partial (\(String(cString: strerror(errno))))")
            }
            if let files = input.files {
                for (k, file) in files[range].enumerated() {
                    let frame = try ImageIO.load(file, width: width, height: height)
                    try ImageIO.save(frame, to: partial + "/" + VideoWorkFolder.name(k) + ".png")
                }
            } else {
                _ = try FFmpeg.decode(path, range: range, width: width, height: height, into: partial, shownAs: request.input)
            }
            guard rename(partial, work.framesFolder) == 0 else {
                throw VideoError.workFolder(path: work.shownAs, reason: "cannot rename frames.partial to frames")
            }
        }
        var count = 0
        while fm.fileExists(atPath: work.frame(count)) { count += 1 }
        guard count > 0 else { throw VideoError.unreadableInput(path: path, reason: "ffmpeg decoded no frames from it") }
        return count
    }

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

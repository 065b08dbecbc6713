import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Encoding a video transfer's finished frames into the output.
extension VideoPipeline {
    /// Encodes the finished frames with the input's frame rate (and its audio for the range),
    /// then cleans up the work folder (``cleanUpAfterSuccess(work:)``). A failure while the run
    /// is being stopped is the stop: the frames stay for a rerun.
    func encode(_ run: VideoRun, count: Int, reports: [VideoFrameReport], warpingError: Double?) throws -> VideoResult {
        let rate = FFmpeg.rateValue(run.input.frameRate) ?? 25
        do {
            try FFmpeg.encode(frames: run.work.styledFolder, count: count, frameRate: run.input.frameRate, output: run.outputPath,
                              audio: run.input.hasAudio ? (run.inputPath, Double(run.range.lowerBound) / rate, Double(count) / rate) : nil)
        } catch {
            guard run.stop.isRaised else { throw error }
            return run.result(.cancelled, frames: count, framesDone: count, reports: reports, warpingError: warpingError)
        }
        cleanUpAfterSuccess(work: run.work)
        return run.result(.completed, frames: count, framesDone: count, reports: reports, warpingError: warpingError)
    }
}

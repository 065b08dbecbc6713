import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Decoding a video transfer's input into the work folder's `frames/`.
extension VideoPipeline {
    /// Decodes the run's frames (once: a rerun finds them there). Returns the number of frames.
    ///
    /// - Throws: `CancellationError` when the run is stopped: Ctrl-C reaches ffmpeg too (same
    ///   process group), so its failure then is the interruption.
    func decodeFrames(_ run: VideoRun) throws -> Int {
        let count: Int
        do {
            count = try decodeFrames(input: run.input, path: run.inputPath, range: run.range, width: run.width,
                                     height: run.height, work: run.work)
        } catch {
            if run.stop.isRaised { throw CancellationError() }
            throw error
        }
        if run.stop.isRaised { throw CancellationError() }
        return count
    }

    /// Decodes the range into the work folder's `frames/` (once: a rerun finds it there).
    /// Returns the number of frames.
    func decodeFrames(input: VideoTransfer.Input, path: String, range: Range<Int>, width: Int, height: Int, work: VideoWorkFolder) throws -> Int {
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
}

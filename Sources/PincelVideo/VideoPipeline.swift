import Pincel
import PincelCore
import PincelImaging
import Foundation

/// What the two video transfers share: the checks and the work folder (``prepareRun(stop:)``),
/// decoding, the flows and the warping error, encoding and the clean-up. ``VideoTransfer``
/// (Gatys et al. per frame, with the temporal loss) and ``InstantVideoTransfer`` (the instant
/// network per frame, with the temporal blend) differ only in how a frame is made.
protocol VideoPipeline: Sendable {
    /// The request, validated.
    var request: VideoRequest { get }
    /// The longer side the paintings are loaded at, for frames of longer side `frameSide`.
    func styleSide(frameSide: Int) -> Int
    /// Lines added to the work folder's fingerprint: what besides ``VideoOptions`` decides the
    /// frames (a work folder of another engine or setting is refused instead of mixed).
    var engineFingerprint: [String] { get }
    /// The frames, the warping error and the encoding, once the work folder is open.
    func runFrames(_ run: VideoRun, onEvent: (VideoEvent) -> Void) throws -> VideoResult
}

extension VideoPipeline {
    /// The run on the calling thread: the checks and the work folder (``prepareRun(stop:)``),
    /// the frames (`runFrames`: decode, flows, each frame, encode), and the clean-up of a run
    /// that failed.
    func runBlocking(stop: StopSignal, onEvent: (VideoEvent) -> Void) throws -> VideoResult {
        let run = try prepareRun(stop: stop)
        do {
            return try runFrames(run, onEvent: onEvent)
        } catch {
            cleanUp(afterFailure: error, work: run.work, stop: stop)
            throw error
        }
    }

    /// Decodes the frames and announces the run: the start event, then a finished event for
    /// each frame a previous run left done. Returns the frame count and how many are done.
    func startFrames(_ run: VideoRun, onEvent: (VideoEvent) -> Void) throws -> (count: Int, done: Int) {
        let count = try decodeFrames(run)
        let done = run.work.finishedPrefix(count: count)
        onEvent(.started(VideoStart(width: run.width, height: run.height, frames: count, alreadyDone: done,
                                    frameRate: run.input.frameRate, hasAudio: run.input.hasAudio, seed: run.seed,
                                    workFolder: run.work.path)))
        for i in 0..<done {
            onEvent(.frameFinished(VideoFrameReport(frame: i, frames: count, resumed: true, terms: .init(), iterations: 0,
                                                    seconds: 0, reliable: 0, remaining: nil)))
        }
        return (count, done)
    }
}

extension VideoPipeline {
    /// What identifies a run's frames: the input (path, size, modification time), the styles,
    /// the range and every setting but the seed.
    func fingerprint(input: String, range: Range<Int>) -> String {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: input)) ?? [:]
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        var options = request.options
        options.transfer.seed = nil
        options.keepWorkFolder = false
        let styles = request.styles.map { source -> String in
            switch source {
            case .file(let path): return "file \(VideoTransfer.absolute(path))"
            case .pixels(let t): return "pixels \(t.shape) \(VideoTransfer.hash(t.data.map { String($0.bitPattern, radix: 16) }.joined()))"
            }
        }
        let masks = request.spatial.isEmpty ? [] : ["masks \(VideoTransfer.hash(String(reflecting: request.spatial)))"]
        return (["input \(input) \(bytes) \(modified)", "frames \(range.lowerBound)..<\(range.upperBound)",
                 "styles \(styles.joined(separator: ", "))", "settings \(VideoTransfer.hash(String(reflecting: options)))"]
                + masks + engineFingerprint)
            .joined(separator: "\n")
    }
}

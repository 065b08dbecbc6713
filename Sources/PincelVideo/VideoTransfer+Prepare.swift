import Pincel
import PincelCore
import PincelImaging
import Foundation

/// What a video run works with once everything is checked: the input, the frame size, the
/// loaded styles and masks, the open work folder and the seed.
struct VideoRun {
    /// The input as probed.
    let input: VideoTransfer.Input
    /// The input and output, absolute.
    let inputPath: String
    let outputPath: String
    /// The input's frames to stylise (the requested range clipped to the input).
    let range: Range<Int>
    /// The frames' size.
    let width: Int
    let height: Int
    let styles: [Tensor]
    let spatial: LoadedSpatial?
    let work: VideoWorkFolder
    /// The seed of every frame (a resumed run keeps the first run's).
    let seed: UInt64
    let stop: StopSignal
    /// When the run started (`DispatchTime` uptime, nanoseconds).
    let started: UInt64

    /// Seconds since the run started.
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// The run's result now.
    func result(_ stop: VideoResult.Stop, frames: Int, framesDone: Int, reports: [VideoFrameReport],
                warpingError: Double?) -> VideoResult {
        VideoResult(stop: stop, frames: frames, framesDone: framesDone, reports: reports, warpingError: warpingError,
                    seconds: elapsed(), workFolder: work.path)
    }
}

extension VideoPipeline {
    /// Checks everything that can be refused before any work (the work folder's use, the input,
    /// the frame range, the output), then loads the styles and the masks at the frames' size
    /// and opens the work folder.
    func prepareRun(stop: StopSignal) throws -> VideoRun {
        let started = DispatchTime.now().uptimeNanoseconds
        let options = request.options
        let inputPath = VideoTransfer.absolute(request.input)
        let outputPath = VideoTransfer.absolute(request.output)
        let work = VideoTransfer.workFolder(request)
        try work.checkUse(input: inputPath, output: outputPath, shown: (request.input, request.output))
        let input = try VideoTransfer.probe(inputPath, shownAs: request.input, options: options)
        let requested = options.frames ?? 0..<input.frames
        let range = requested.clamped(to: 0..<input.frames)
        guard !range.isEmpty else {
            throw VideoError.invalidSetting(.frames, "starts at frame \(requested.lowerBound), but the video has \(input.frames) frames (0…\(input.frames - 1))")
        }
        guard inputPath != outputPath, URL(fileURLWithPath: inputPath).resolvingSymlinksInPath() != URL(fileURLWithPath: outputPath).resolvingSymlinksInPath() else {
            throw VideoError.invalidSetting(.output, "is the input")
        }
        let outputFolder = OutputCheck.split(outputPath).folder
        guard access(outputFolder, W_OK) == 0 else {
            throw VideoError.invalidSetting(.output, "\(request.output) cannot be written: its folder is missing or not writable")
        }
        let (w, h) = VideoTransfer.frameSize(width: input.width, height: input.height, size: options.transfer.size)
        let side = styleSide(frameSide: max(w, h))
        let styles = try request.styles.map { try $0.load(longerSide: side, maxPixels: options.transfer.maxPixels, setting: .styles) }
        // The masks, once, at the frames' size (only the shape of the content is read).
        let spatial = try LoadedSpatial(request.spatial, content: Tensor(zeros: [3, h, w]),
                                        styles: styles, maxPixels: options.transfer.maxPixels)
        let seed = try work.open(fingerprint: fingerprint(input: inputPath, range: range),
                                 seed: options.transfer.seed ?? SeededRandom.drawSeed())
        return VideoRun(input: input, inputPath: inputPath, outputPath: outputPath, range: range, width: w, height: h,
                        styles: styles, spatial: spatial, work: work, seed: seed, stop: stop, started: started)
    }
}

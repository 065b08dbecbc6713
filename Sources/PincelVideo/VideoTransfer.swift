import Pincel
import PincelCore
import PincelImaging
import Foundation

/// Stylises a video frame by frame without flicker: Ruder, Dosovitskiy & Brox, *Artistic
/// style transfer for videos* (GCPR 2016, arXiv:1604.08610).
///
/// Each frame is a style transfer (``StyleTransfer``'s objective) plus a temporal loss that
/// ties it to the previous result: frame t starts from frame t−1's result warped by the
/// optical flow between the two photos (OpenCV's DIS flow; pixels with no source taken from
/// the photo), and pays `temporal_weight · mean(c · (x − warp(x_{t−1}))²)` where `c` marks the
/// pixels the flow can be trusted on (forward–backward consistency, no motion boundary).
/// The first frame gets ``VideoOptions/firstIterations``, later ones
/// ``VideoOptions/iterations``.
///
/// Frames are decoded with Debian's `ffmpeg` (see the work folder in ``VideoRequest``),
/// every intermediate file is written atomically, and a rerun of the same request continues
/// after the last finished frame. Cancelling the awaiting task stops the current frame
/// (it is not kept) and returns a ``VideoResult`` whose stop is
/// ``VideoResult/Stop/cancelled``.
public struct VideoTransfer: Sendable {
    /// The request, validated.
    public let request: VideoRequest
    /// The VGG19 weights.
    public let weights: VGG19Weights

    /// Checks the settings (``VideoOptions/validate(styleCount:)``) and the output's
    /// extension; reads nothing.
    ///
    /// - Throws: ``TransferError`` or ``VideoError`` for the first bad setting.
    public init(_ request: VideoRequest, weights: VGG19Weights) throws {
        try request.options.validate(styleCount: request.styles.count)
        try request.spatial.validate(styleCount: request.styles.count, styleBlend: request.options.transfer.styleBlend)
        guard FFmpeg.outputFormat(request.output) != nil else { throw VideoError.unsupportedOutput(path: request.output) }
        self.request = request
        self.weights = weights
    }

    /// The output extensions a video transfer writes (lower case, without the dot).
    public static let outputExtensions = ["mp4", "m4v", "mov", "mkv", "webm", "gif"]

    /// Reads the input as ``run(onEvent:)`` does first (ffprobe for a video file, the file list
    /// of a folder), without decoding frames or loading weights, so a front end can refuse a
    /// bad input before anything slow.
    ///
    /// - Returns: frames in the input, and its frame rate (`num/den`; a folder's is
    ///   ``VideoOptions/frameRate``).
    /// - Throws: ``VideoError/unreadableInput(path:reason:)`` or ``VideoError/toolMissing(_:)``.
    public static func inspect(input: String, options: VideoOptions = VideoOptions()) throws -> (frames: Int, frameRate: String) {
        let probed = try probe(absolute(input), shownAs: input, options: options)
        return (probed.frames, probed.frameRate)
    }

    /// Checks, as ``run(onEvent:)`` does first and without writing anything, that the request's
    /// work folder may be used: Pincel deletes the files it wrote there at the end, so the
    /// folder must be new, empty or one an earlier run made (its `pincel-work.txt` marker),
    /// and it must not hold the input or the output.
    ///
    /// - Throws: ``VideoError/workFolderRefused(path:reason:)``, or
    ///   ``VideoError/workFolder(path:reason:)`` when it cannot be read.
    public static func checkWorkFolder(_ request: VideoRequest) throws {
        try workFolder(request).checkUse(input: absolute(request.input), output: absolute(request.output),
                                         shown: (request.input, request.output))
    }

    static func workFolder(_ request: VideoRequest) -> VideoWorkFolder {
        VideoWorkFolder(path: absolute(request.resolvedWorkFolder), shownAs: request.resolvedWorkFolder)
    }

    /// Runs the video transfer on a thread of its own.
    ///
    /// - Parameter onEvent: called on that thread with each event, in order; keep it short.
    /// - Returns: the result (completed, or cancelled with the finished frames kept).
    /// - Throws: ``VideoError`` for an input that cannot be read (before any work), a work
    ///   folder of other settings, or an ffmpeg or flow failure; ``ImageError``,
    ///   ``TransferError``, ``TransferFailure`` as ``StyleTransfer/run(onEvent:)``.
    public func run(onEvent: @escaping @Sendable (VideoEvent) -> Void = { _ in }) async throws -> VideoResult {
        try await BlockingWork.run(name: "pincel-video") { stop in try self.runBlocking(stop: stop, onEvent: onEvent) }
    }

    /// The input as probed: a video file through ffprobe, or a folder of frames.
    struct Input {
        var width: Int
        var height: Int
        var frameRate: String
        var frames: Int
        var hasAudio: Bool
        /// The frame files of a folder input, in order; `nil` for a video file.
        var files: [String]?
    }

    /// Image files of a frame folder, in name order with numbers compared as numbers.
    static func frameFiles(in folder: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let images = names.filter { ["png", "jpg", "jpeg", "webp", "tif", "tiff"].contains(($0 as NSString).pathExtension.lowercased()) }
            .filter { !$0.hasPrefix(".") }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !images.isEmpty else {
            throw VideoError.unreadableInput(path: folder, reason: "the folder holds no PNG, JPEG, WebP or TIFF frames")
        }
        return images.map { folder + "/" + $0 }
    }

    static func probe(_ path: String, shownAs: String, options: VideoOptions) throws -> Input {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw VideoError.unreadableInput(path: path, reason: "no such file or folder")
        }
        if isFolder.boolValue {
            let files = try frameFiles(in: path)
            let info = try ImageIO.imageInfo(files[0])
            return Input(width: info.width, height: info.height, frameRate: options.frameRate, frames: files.count,
                         hasAudio: false, files: files)
        }
        let p = try FFmpeg.probe(path, shownAs: shownAs)
        return Input(width: p.width, height: p.height, frameRate: p.frameRate, frames: p.frames, hasAudio: p.hasAudio, files: nil)
    }

    /// Frame size for a longer side of `size`: the aspect ratio kept, both sides even (the
    /// H.264 and VP9 encoders need 4:2:0 chroma) and at least 32.
    static func frameSize(width: Int, height: Int, size: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        func side(_ s: Int) -> Int {
            let scaled = Int((Double(s) * Double(size) / Double(longer)).rounded())
            return max(32, scaled - scaled % 2)
        }
        return (side(width), side(height))
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// A short, stable hash (FNV-1a 64) of a text.
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

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
            case .file(let path): return "file \(Self.absolute(path))"
            case .pixels(let t): return "pixels \(t.shape) \(Self.hash(t.data.map { String($0.bitPattern, radix: 16) }.joined()))"
            }
        }
        let masks = request.spatial.isEmpty ? [] : ["masks \(Self.hash(String(reflecting: request.spatial)))"]
        return (["input \(input) \(bytes) \(modified)", "frames \(range.lowerBound)..<\(range.upperBound)",
                 "styles \(styles.joined(separator: ", "))", "settings \(Self.hash(String(reflecting: options)))"] + masks)
            .joined(separator: "\n")
    }

    /// The run on the calling thread.
    func runBlocking(stop: StopSignal, onEvent: (VideoEvent) -> Void) throws -> VideoResult {
        let clock = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9 }
        let options = request.options
        let inputPath = Self.absolute(request.input)
        let outputPath = Self.absolute(request.output)
        // Everything that can be refused is checked before any work.
        let work = Self.workFolder(request)
        try work.checkUse(input: inputPath, output: outputPath, shown: (request.input, request.output))
        let input = try Self.probe(inputPath, shownAs: request.input, options: options)
        let requested = options.frames ?? 0..<input.frames
        let range = requested.clamped(to: 0..<input.frames)
        guard !range.isEmpty else {
            throw VideoError.invalidSetting("the frame range starts at frame \(requested.lowerBound), but the video has \(input.frames) frames (0…\(input.frames - 1))")
        }
        guard inputPath != outputPath, URL(fileURLWithPath: inputPath).resolvingSymlinksInPath() != URL(fileURLWithPath: outputPath).resolvingSymlinksInPath() else {
            throw VideoError.invalidSetting("the output is the input")
        }
        let outputFolder = OutputCheck.split(outputPath).folder
        guard access(outputFolder, W_OK) == 0 else {
            throw VideoError.invalidSetting("cannot write the video \(request.output): its folder is missing or not writable")
        }
        let (w, h) = Self.frameSize(width: input.width, height: input.height, size: options.transfer.size)
        let styleSide = LoadedImages.styleSide(size: max(w, h), styleScale: options.transfer.styleScale)
        let styles = try request.styles.map { try $0.load(longerSide: styleSide, maxPixels: options.transfer.maxPixels, setting: .styles) }
        // The masks, once, at the frames' size (only the shape of the content is read).
        let spatial = try LoadedSpatial(request.spatial, content: Tensor(zeros: [3, h, w]),
                                        styles: styles, maxPixels: options.transfer.maxPixels)

        let seed = try work.open(fingerprint: fingerprint(input: inputPath, range: range),
                                 seed: options.transfer.seed ?? UInt64.random(in: 0...UInt64(UInt32.max)))
        do {
            return try runFrames(input: input, inputPath: inputPath, outputPath: outputPath, range: range, size: (w, h),
                                 styles: styles, spatial: spatial, work: work, seed: seed, stop: stop, elapsed: elapsed, onEvent: onEvent)
        } catch {
            // A run that failed before finishing any frame leaves nothing behind: what it wrote
            // is of no use to a rerun. Finished frames are kept (a rerun continues after them).
            if !(error is CancellationError) && !stop.isRaised && !options.keepWorkFolder && work.finishedPrefix(count: 1) == 0 {
                work.removeOwnFiles()
            }
            throw error
        }
    }

    /// The frames, the warping error and the encoding, once the work folder is open.
    private func runFrames(input: Input, inputPath: String, outputPath: String, range: Range<Int>, size: (Int, Int),
                           styles: [Tensor], spatial: LoadedSpatial?, work: VideoWorkFolder, seed: UInt64, stop: StopSignal,
                           elapsed: () -> Double, onEvent: (VideoEvent) -> Void) throws -> VideoResult {
        let options = request.options
        let (w, h) = size
        // Ctrl-C reaches ffmpeg too (same process group): its failure is then the interruption.
        let count: Int
        do { count = try decodeFrames(input: input, path: inputPath, range: range, width: w, height: h, work: work) } catch {
            if stop.isRaised { throw CancellationError() }
            throw error
        }
        if stop.isRaised { throw CancellationError() }

        let done = work.finishedPrefix(count: count)
        onEvent(.started(VideoStart(width: w, height: h, frames: count, alreadyDone: done, frameRate: input.frameRate,
                                    hasAudio: input.hasAudio, seed: seed, workFolder: work.path)))
        for i in 0..<done {
            onEvent(.frameFinished(VideoFrameReport(frame: i, frames: count, resumed: true, terms: .init(), iterations: 0,
                                                    seconds: 0, reliable: 0, remaining: nil)))
        }
        var reports: [VideoFrameReport] = []
        let flow = try DISFlow()
        // The earlier frames the temporal terms look back to: 1 (the previous) and the long-term offsets.
        let offsets = [1] + options.longTermFrames.filter { $0 > 1 }.sorted()
        var recent: [Int: (photo: Tensor, styled: Tensor)] = [:]
        for j in offsets where done - j >= 0 {
            recent[done - j] = (try ImageIO.load(work.frame(done - j)), try ImageIO.load(work.styled(done - j)))
        }
        func remaining(after frame: Int) -> Double? {
            let later = reports.filter { $0.frame > 0 }.map(\.seconds)
            let perFrame = later.isEmpty ? reports.last.map { $0.seconds * Double(options.iterations) / Double(options.firstIterations) } : later.reduce(0, +) / Double(later.count)
            return perFrame.map { $0 * Double(count - frame - 1) }
        }
        for i in done..<count {
            if stop.isRaised {
                return VideoResult(stop: .cancelled, frames: count, framesDone: i, reports: reports, warpingError: nil,
                                   seconds: elapsed(), workFolder: work.path)
            }
            let frameClock = elapsed()
            let photo = try ImageIO.load(work.frame(i))
            var transfer = options.transfer
            transfer.seed = seed
            transfer.iterations = i == 0 || !options.warmStart ? options.firstIterations : options.iterations
            var initialImage: Tensor? = nil
            var term: TemporalLoss? = nil
            var reliable = 0.0
            if recent[i - 1] != nil {
                // Ruder et al.'s long-term weights: frame t−j counts only where no nearer frame
                // in the set was reliable, c_long_j = max(c_j − Σ_{l<j} c_l, 0).
                var targets: [TemporalLoss.Target] = []
                var covered = [Float](repeating: 0, count: h * w)
                let luminance = transfer.colors == .luminance
                for j in offsets {
                    guard let earlier = recent[i - j] else { continue }
                    if j > 1 && options.temporalWeight == 0 { break }
                    let flows = try self.flows(work: work, index: i, offset: j, from: photo, to: earlier.photo, flow: flow)
                    let c = Reliability.weights(backward: flows.backward, forward: flows.forward)
                    let warped = Tensor(shape: [3, h, w], data: FlowWarp.warp(earlier.styled.data, channels: 3, flow: flows.backward,
                                                                               fallback: photo.data).image)
                    if j == 1 {
                        reliable = Double(c.reduce(0, +)) / Double(max(1, c.count))
                        if options.warmStart {
                            initialImage = warped
                            transfer.initial = .image(.pixels(warped))
                        }
                    }
                    let weights = zip(c, covered).map { max($0 - $1, 0) }
                    for p in 0..<covered.count { covered[p] += c[p] }
                    targets.append(.init(warped: luminance ? ColorSpace.luminance(warped).data : warped.data, weights: weights))
                }
                if options.temporalWeight > 0 {
                    term = try TemporalLoss(weight: options.temporalWeight, channels: luminance ? 1 : 3, pixels: h * w, targets: targets)
                }
            }
            if initialImage == nil {
                initialImage = try LoadedImages.initialImage(transfer.initial, styles: styles, width: w, height: h,
                                                             maxPixels: transfer.maxPixels)
            }
            let eta = remaining(after: i - 1)
            let result = try TransferEngine.run(content: photo, styles: styles, weights: weights, options: transfer,
                                                initialImage: initialImage, spatial: spatial, pixelTerm: term) { p, _ in
                onEvent(.progress(VideoProgress(frame: i, frames: count, transfer: p, elapsed: elapsed(), remaining: eta)))
                return !stop.isRaised
            }
            if result.stop == .cancelled {
                return VideoResult(stop: .cancelled, frames: count, framesDone: i, reports: reports, warpingError: nil,
                                   seconds: elapsed(), workFolder: work.path)
            }
            let styled = Tensor(shape: result.image.shape, data: result.image.data.map { min(max($0.rounded(), 0), 255) })
            try ImageIO.save(styled, to: work.styled(i))
            recent[i] = (photo, styled)
            recent = recent.filter { $0.key > i - (offsets.last ?? 1) }
            var report = VideoFrameReport(frame: i, frames: count, resumed: false, terms: result.quantizedTerms,
                                          iterations: result.iterations, seconds: elapsed() - frameClock,
                                          reliable: reliable, remaining: nil)
            reports.append(report)
            report.remaining = remaining(after: i)
            reports[reports.count - 1] = report
            onEvent(.frameFinished(report))
        }
        let consistency = try warpingError(work: work, count: count, flow: flow)
        onEvent(.encoding)
        let rate = FFmpeg.rateValue(input.frameRate) ?? 25
        do {
            try FFmpeg.encode(frames: work.styledFolder, count: count, frameRate: input.frameRate, output: outputPath,
                              audio: input.hasAudio ? (inputPath, Double(range.lowerBound) / rate, Double(count) / rate) : nil)
        } catch {
            guard stop.isRaised else { throw error }
            return VideoResult(stop: .cancelled, frames: count, framesDone: count, reports: reports, warpingError: consistency,
                               seconds: elapsed(), workFolder: work.path)
        }
        if !options.keepWorkFolder { work.removeOwnFiles() }
        return VideoResult(stop: .completed, frames: count, framesDone: count, reports: reports, warpingError: consistency,
                           seconds: elapsed(), workFolder: work.path)
    }
}

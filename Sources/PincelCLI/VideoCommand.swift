import ArgumentParser
import Foundation
import Pincel
import PincelVideo

/// `pincel video --input clip.mp4 --style painting.jpg --output out.mp4`: a video stylised
/// frame by frame with the temporal loss of Ruder, Dosovitskiy & Brox (2016).
struct VideoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Stylise a video without flicker (Ruder, Dosovitskiy & Brox 2016): each frame starts from the previous result warped by the optical flow.",
        discussion: "Decodes and encodes with ffmpeg; keeps the frame rate and copies the audio. Finished frames are kept in the "
            + "work folder, so rerunning the same command after Ctrl-C or a crash continues where it stopped. "
            + "The work folder belongs to Pincel: it must be new, empty or one an earlier pincel video made (its pincel-work.txt), "
            + "and must not hold the input or the output; at the end Pincel deletes only the files it wrote there, "
            + "then the folder if Pincel created it and nothing else is left in it. "
            + "Exit codes: 0 success; 1 the input, the weights or the run failed; 64 invalid options or a work folder that is not Pincel's; 130 interrupted "
            + "(finished frames kept; rerun to continue)."
    )

    @Option(help: "The video (mp4, webm, mov, mkv, GIF…) or a folder of numbered frames.") var input: String
    @Option(help: "Where to write the video (.mp4, .mov, .mkv, .webm or .gif).") var output: String
    @OptionGroup var frame: TransferSettingsOptions
    @OptionGroup(title: "Spatial control (still masks, the same for every frame)") var spatial: SpatialOptions
    @Option(help: "Weight of the temporal loss (0: only the warm start ties frames together).") var temporalWeight: Float = 1e3
    @Option(help: "Long-term temporal terms: offsets of earlier frames, e.g. 2,4 (Ruder et al.'s long-term loss; default: the previous frame only).")
    var longTerm: String?
    @Option(help: "Frames to stylise, FROM:TO, 0-based, TO excluded (either may be left out: 10:, :48).") var frames: String?
    @Option(help: "Objective evaluations of the first frame.") var firstIterations = 400
    @Option(help: "Objective evaluations of every later frame.") var iterations = 100
    @Option(help: "Frames per second of a folder of frames (a video keeps its own).") var frameRate = "25"
    @Option(help: "Work folder for frames, flows and finished frames (default: the output's path + .pincel-work): new, empty or one pincel video made.")
    var workDir: String?
    @Flag(help: "Keep the work folder after the video is written.") var keepWork = false
    @Flag(help: "Stylise every frame independently (no warm start; with --temporal-weight 0, the flickering baseline; with --instant, no blend).")
    var independentFrames = false
    @Flag(help: "Every frame through the instant network (many frames a second; no VGG19 weights), blended with the previous output along the optical flow where it is reliable.")
    var instant = false
    @Option(help: "With --instant: how far from the first frame's own style towards the painting's, 0 to 1.")
    var instantStrength: Float?
    @Option(help: "With --instant: weight of the previous output, warped, where the flow is reliable, 0 to 0.95 (default \(InstantVideoTransfer.defaultTemporalBlend); 0: every frame on its own).")
    var instantBlend: Float?
    @Option(help: ArgumentHelp(ProgressReporter.printEveryHelp)) var printEvery: Int?
    @Flag(help: ArgumentHelp(ProgressReporter.quietHelp)) var quiet = false

    mutating func validate() throws {
        guard !frame.style.isEmpty else { throw ValidationError.oneLine("give at least one --style image") }
        try bounded(printEvery, OptionBounds.printEvery, flag: "--print-every")
        try bounded(firstIterations, OptionBounds.iterations, flag: "--first-iterations")
        try bounded(iterations, OptionBounds.iterations, flag: "--iterations")
        _ = try Self.parseFrames(frames)
        try validateInstant()
        let ext = (output as NSString).pathExtension.lowercased()
        guard VideoTransfer.outputExtensions.contains(ext) else {
            throw ValidationError.oneLine("--output must end in ." + VideoTransfer.outputExtensions.joined(separator: ", .") + ", got '\(output)'")
        }
    }

    /// `FROM:TO` as a range (`nil` when not given). - Throws: a one-line ValidationError.
    static func parseFrames(_ text: String?) throws -> Range<Int>? {
        guard let text else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw ValidationError.oneLine("--frames must be FROM:TO, e.g. 0:48, got '\(text)'") }
        let limit = 100_000_000
        func number(_ s: String, _ empty: Int) throws -> Int {
            if s.isEmpty { return empty }
            guard let v = Int(s), (0...limit).contains(v) else {
                throw ValidationError.oneLine("--frames must be FROM:TO with whole numbers 0…\(limit), got '\(text)'")
            }
            return v
        }
        let from = try number(parts[0], 0), to = try number(parts[1], limit)
        guard from < to else { throw ValidationError.oneLine("--frames FROM must be below TO, got '\(text)'") }
        return from..<to
    }

    func run() async throws {
        let request = try makeRequest(seed: frame.seed ?? SeededRandom.drawSeed())
        try preflight(request)
        let runner: VideoRunner
        do {
            runner = try instant ? instantRunner(request) : gatysRunner(request)
        } catch let error as VideoError {
            throw ValidationError.oneLine(error.commandLineText)
        }
        let console = VideoConsole(quiet: quiet, printEvery: printEvery, instant: instant)
        let result: VideoResult
        do {
            result = try await InterruptFlag.cancellingOnInterrupt { try await runner(console.handle) }
        } catch let error as VideoError {
            throw VideoCommandError(error.commandLineText)
        } catch is CancellationError {
            console.finishLine()
            StandardError.write("Interrupted before the first frame; rerun the same command to continue.\n")
            throw ExitCode(130)
        }
        console.finishLine()
        if result.stop == .cancelled {
            StandardError.write("Interrupted: \(result.framesDone) of \(result.frames) frames are done in \(result.workFolder); "
                                + "rerun the same command to continue.\n")
            throw ExitCode(130)
        }
        if let error = result.warpingError {
            console.note(String(format: "temporal consistency: mean warping error %.2f (squared 0-255 units, reliable pixels)", error))
        }
        console.note(String(format: "%.1f s, %d frames", result.seconds, result.frames)
                     + (instant && !result.reports.isEmpty ? String(format: " (%.1f frames/s)", Double(result.reports.count) / result.seconds) : ""))
        print(output)
    }

    /// The Gatys transfer of the request (the weights loaded), as a runner.
    func gatysRunner(_ request: VideoRequest) throws -> VideoRunner {
        let transfer = try validatingSettings { try VideoTransfer(request, weights: try CommandLineWeights.load(frame.weights)) }
        return { try await transfer.run(onEvent: $0) }
    }

    /// The request the flags give, its settings validated (exit 64 names the flag).
    func makeRequest(seed: UInt64) throws -> VideoRequest {
        var options = VideoOptions()
        options.transfer = try validatingSettings { try frame.transferOptions(seed: seed) }
        options.transfer.scales = 1
        options.temporalWeight = temporalWeight
        options.firstIterations = firstIterations
        options.iterations = iterations
        options.frames = try Self.parseFrames(frames)
        options.frameRate = frameRate
        options.keepWorkFolder = keepWork
        options.warmStart = !independentFrames
        if let longTerm {
            options.longTermFrames = try parsedList(longTerm, flag: "--long-term", expected: "frame offsets 2…64") { Int($0) }
        }
        var request = VideoRequest(input: input, styles: frame.style.map { .file($0) }, output: output,
                                   workFolder: workDir, options: options)
        request.spatial = try spatial.spatialControl(style: frame.style)
        do {
            try validatingSettings { try options.validate(styleCount: request.styles.count) }
            if instant {
                try validatingSettings {
                    try InstantVideoTransfer.validate(request, strength: instantStrength ?? 1, temporalBlend: temporalBlend)
                }
            }
        } catch let error as VideoError {
            throw ValidationError.oneLine(error.commandLineText)
        }
        return request
    }

    /// Everything checked before the weights load: the output is not the input, the work
    /// folder may be used, the input is a video, the images are readable, the memory suffices.
    func preflight(_ request: VideoRequest) throws {
        let options = request.options
        guard URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
                != URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath() else {
            throw ValidationError.oneLine("--output is the same file as --input")
        }
        do { try VideoTransfer.checkWorkFolder(request) } catch let error as VideoError {
            if case .workFolderRefused = error { throw ValidationError.oneLine(error.description) }
            throw VideoCommandError(error.description)
        }
        _ = try VideoTransfer.inspect(input: input, options: options)  // a bad video fails here, before the weights load
        for path in frame.style {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw VideoCommandError("cannot read the style image \(path)")
            }
        }
        try InputPreflight.check(spatial.spatialFiles)
        try spatial.checkMaskImages(maxPixels: options.transfer.maxPixels)
        // Memory: one frame's transfer at a time; a square frame is the worst case for --size.
        // (The instant network's frames need a small part of that.)
        if !instant, let styleFiles = try? frame.style.map({ try ImageIO.imageInfo($0) }) {
            try MemoryCheck.require(size: frame.size, sizes: OptionBounds.size) { side in
                var o = options.transfer
                o.size = side
                o.iterations = max(options.firstIterations, options.iterations)
                return try MemoryEstimate.transfer(contentFile: (side, side), styleFiles: styleFiles, options: o).total
            }
        }
    }
}

/// A one-line failure of the video command (exit 1).
struct VideoCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = OneLine.sanitize(text) }
}

/// Prints a video run's events on stderr: one live line per frame on a terminal, plain lines
/// otherwise.
final class VideoConsole: @unchecked Sendable {
    private let lock = NSLock()
    private var reporter: ProgressReporter
    private let quiet: Bool
    /// Frames of the instant network: no iterations and no objective to show.
    private let instant: Bool

    init(quiet: Bool, printEvery: Int?, instant: Bool = false) {
        reporter = ProgressReporter(quiet: quiet, printEvery: printEvery)
        self.quiet = quiet
        self.instant = instant
    }

    func note(_ text: String) { reporter.note(text) }

    func finishLine() { lock.withLock { reporter.finish() } }

    func handle(_ event: VideoEvent) {
        lock.withLock {
            switch event {
            case .started(let s):
                reporter.note("seed: \(s.seed)")
                reporter.note("\(s.frames) frames of \(s.width)x\(s.height) at \(s.frameRate) fps\(s.hasAudio ? ", with audio" : "")"
                              + (s.alreadyDone > 0 ? "; \(s.alreadyDone) already done in \(s.workFolder)" : "; work folder \(s.workFolder)"))
            case .progress(let p):
                reporter.label = "frame \(p.frame + 1)/\(p.frames)" + (p.remaining.map { " (video ETA \(ClockText.format($0)))" } ?? "") + " "
                reporter.report(p.transfer)
            case .frameFinished(let f) where !f.resumed && instant:
                reporter.note(String(format: "frame %d/%d: %.2f s, reliable %.0f%%%@", f.frame + 1, f.frames, f.seconds,
                                     100 * f.reliable, f.remaining.map { ", video ETA " + ClockText.format($0) } ?? ""))
            case .frameFinished(let f) where !f.resumed:
                reporter.finish()
                reporter.note(String(format: "frame %d/%d: %.1f s, %d iterations, objective %.6g + temporal %.4g, reliable %.0f%%%@",
                                     f.frame + 1, f.frames, f.seconds, f.iterations, Double(f.terms.total - f.terms.temporal), Double(f.terms.temporal),
                                     100 * f.reliable, f.remaining.map { ", video ETA " + ClockText.format($0) } ?? ""))
            case .frameFinished:
                break
            case .encoding:
                reporter.note("encoding")
            }
        }
    }
}

import Foundation
import Synchronization
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL
@testable import PincelVideo

/// Runs ffmpeg (the tests' clip maker); fails the test when it fails.
func runFFmpeg(_ arguments: [String]) throws {
    let outcome = try FFmpeg.run(try FFmpeg.locate("ffmpeg"), ["-nostdin", "-y", "-v", "error"] + arguments, stdoutCapture: false)
    guard outcome.status == 0 else { throw VideoError.ffmpegFailed(outcome.lastError) }
}

func probeStreams(_ path: String) throws -> FFmpeg.Probe { try FFmpeg.probe(path) }

@Suite(.scratchFolder) struct VideoPipelineTests {
    /// A tiny clip: 8 frames of 64x48 at 12 fps, a panned test pattern, with a sine tone.
    static func makeClip(in folder: URL, name: String = "clip.mp4") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try runFFmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=12", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
                       "-frames:v", "8", "-t", String(8.0 / 12), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", path])
        return path
    }

    static func options() -> VideoOptions {
        var o = VideoOptions()
        o.transfer.size = 64
        o.transfer.seed = 5
        o.transfer.convergenceTolerance = 0
        o.transfer.network.threads = 2
        o.firstIterations = 4
        o.iterations = 2
        return o
    }

    static let style = ImageSource.pixels(texturedFrame(width: 48, height: 48, shiftX: 7))

    @Test func probeReadsSizeRateFramesAndAudio() throws {
        let clip = try Self.makeClip(in: try ScratchFolder.make())
        let p = try FFmpeg.probe(clip)
        #expect(p.width == 64 && p.height == 48)
        #expect(p.frames == 8)
        #expect(p.hasAudio)
        #expect(FFmpeg.rateValue(p.frameRate) == 12)
    }

    @Test func aPhoneVideoRotatedByItsDisplayMatrixIsUpright() throws {
        let folder = try ScratchFolder.make()
        let clip = try Self.makeClip(in: folder)
        let rotated = folder.appendingPathComponent("portrait.mp4").path
        try runFFmpeg(["-i", clip, "-c", "copy", "-metadata:s:v", "rotate=90", rotated])
        let p = try FFmpeg.probe(rotated)
        #expect(p.width == 48 && p.height == 64, "ffmpeg decodes it upright, \(p.width)x\(p.height) was reported")
        let frames = folder.appendingPathComponent("frames").path
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        #expect(try FFmpeg.decode(rotated, range: 0..<2, width: p.width, height: p.height, into: frames) == 2)
        let first = try ImageIO.load(frames + "/000000.png")
        #expect(first.shape == [3, 64, 48])
        // Tags that are not a number (or not finite) are ignored rather than trusted.
        for tag in ["inf", "nan", "1e300", "banana"] {
            let text = #"{"streams":[{"codec_type":"video","width":64,"height":48,"r_frame_rate":"12/1","nb_read_packets":"8","tags":{"rotate":"\#(tag)"}}]}"#
            let q = try FFmpeg.parseProbe(Data(text.utf8), path: "t.mp4")
            #expect(q.width == 64 && q.height == 48, "rotate=\(tag)")
        }
        let minus = #"{"streams":[{"codec_type":"video","width":64,"height":48,"r_frame_rate":"12/1","nb_read_packets":"8","side_data_list":[{"rotation":-90}]}]}"#
        #expect(try FFmpeg.parseProbe(Data(minus.utf8), path: "t.mp4").width == 48)
    }

    @Test func rateAndProbeParsing() throws {
        #expect(FFmpeg.rateValue("30000/1001").map { abs($0 - 29.97) < 0.01 } == true)
        #expect(FFmpeg.rateValue("0/0") == nil)
        #expect(FFmpeg.rateValue("25") == 25)
        #expect(FFmpeg.rateValue("1/0") == nil)
        #expect(FFmpeg.rateValue("-5") == nil)
        let noVideo = Data(#"{"streams":[{"codec_type":"audio","codec_name":"aac"}]}"#.utf8)
        #expect(throws: VideoError.self) { try FFmpeg.parseProbe(noVideo, path: "a.m4a") }
        #expect(throws: VideoError.self) { try FFmpeg.parseProbe(Data("not json".utf8), path: "x") }
        let ok = Data(#"{"streams":[{"codec_type":"video","codec_name":"h264","width":640,"height":360,"r_frame_rate":"25/1","avg_frame_rate":"0/0","nb_read_packets":"50"}]}"#.utf8)
        let p = try FFmpeg.parseProbe(ok, path: "v.mp4")
        #expect(p == FFmpeg.Probe(width: 640, height: 360, frameRate: "25/1", frames: 50, hasAudio: false, videoCodec: "h264"))
    }

    @Test func badInputsFailWithOneLineBeforeWork() async throws {
        let folder = try ScratchFolder.make()
        let notVideo = folder.appendingPathComponent("notes.mp4")
        try Data("hello\n".utf8).write(to: notVideo)
        let output = folder.appendingPathComponent("out.mp4").path
        for input in [notVideo.path, folder.appendingPathComponent("missing.mp4").path, try ScratchFolder.make().path] {
            let transfer = try VideoTransfer(VideoRequest(input: input, styles: [Self.style], output: output, options: Self.options()),
                                             weights: randomVGG19Weights(seed: 1))
            do {
                _ = try await transfer.run()
                Issue.record("\(input) was accepted")
            } catch let error as VideoError {
                #expect(!error.description.contains("\n"))
                if case .unreadableInput = error {} else { Issue.record("unexpected \(error)") }
            }
            #expect(!FileManager.default.fileExists(atPath: output))
            #expect(!FileManager.default.fileExists(atPath: output + ".pincel-work"))
        }
        #expect(throws: VideoError.self) {
            try VideoTransfer(VideoRequest(input: notVideo.path, styles: [Self.style], output: folder.appendingPathComponent("o.avi").path),
                              weights: randomVGG19Weights(seed: 1))
        }
        var bad = Self.options()
        bad.temporalWeight = -1
        #expect(throws: VideoError.self) {
            try VideoTransfer(VideoRequest(input: notVideo.path, styles: [Self.style], output: output, options: bad), weights: randomVGG19Weights(seed: 1))
        }
    }

    @Test func flowFilesRoundTripAndAWrongSizeIsIgnored() throws {
        let work = VideoWorkFolder(path: try ScratchFolder.make().path)
        _ = try work.open(fingerprint: "f", seed: 1)
        let b = try FlowField(width: 5, height: 4, dx: (0..<20).map { Float($0) / 3 }, dy: (0..<20).map { -Float($0) })
        let f = try FlowField(width: 5, height: 4, dx: (0..<20).map { Float($0) * 2 }, dy: (0..<20).map { Float($0) + 0.25 })
        try work.saveFlows(b, f, index: 3)
        let loaded = try #require(work.loadFlows(index: 3, width: 5, height: 4))
        #expect(loaded.backward == b && loaded.forward == f)
        #expect(work.loadFlows(index: 3, width: 4, height: 5) == nil)
        #expect(work.loadFlows(index: 4, width: 5, height: 4) == nil)
    }

    @Test func aWorkFolderOfOtherSettingsIsRefused() throws {
        let work = VideoWorkFolder(path: try ScratchFolder.make().path)
        #expect(try work.open(fingerprint: "a\nb", seed: 42) == 42)
        #expect(try work.open(fingerprint: "a\nb", seed: 7) == 42)  // the stored seed wins
        #expect(throws: VideoError.workFolderMismatch(path: work.path)) { try work.open(fingerprint: "a\nc", seed: 7) }
    }

    /// End to end on a tiny clip (random weights): the output has the input's frame count,
    /// rate and audio; the frames differ from the photos (they were stylised).
    @Test func endToEndKeepsFrameCountRateAndAudio() async throws {
        let folder = try ScratchFolder.make()
        let clip = try Self.makeClip(in: folder)
        let output = folder.appendingPathComponent("out.mp4").path
        let events = Mutex<[String]>([])
        let result = try await VideoTransfer(VideoRequest(input: clip, styles: [Self.style], output: output, options: Self.options()),
                                             weights: randomVGG19Weights(seed: 2)).run { event in
            switch event {
            case .started(let s): events.withLock { $0.append("started \(s.frames) \(s.width)x\(s.height)") }
            case .frameFinished(let f): events.withLock { $0.append("frame \(f.frame)") }
            case .encoding: events.withLock { $0.append("encoding") }
            case .progress: break
            }
        }
        #expect(result.stop == .completed)
        #expect(result.reports.count == 8)
        #expect(result.reports.dropFirst().allSatisfy { $0.terms.temporal >= 0 && $0.reliable > 0.3 },
                "\(result.reports.map { ($0.terms.temporal, $0.reliable) })")
        #expect(result.reports.first?.terms.temporal == 0 && result.reports.contains { $0.terms.temporal > 0 })
        #expect(result.reports.map(\.iterations) == [4] + Array(repeating: 2, count: 7))
        #expect(events.withLock { $0 } == ["started 8 64x48"] + (0..<8).map { "frame \($0)" } + ["encoding"])
        let p = try FFmpeg.probe(output)
        #expect(p.frames == 8)
        #expect(FFmpeg.rateValue(p.frameRate) == 12)
        #expect(p.width == 64 && p.height == 48)
        #expect(p.hasAudio)
        #expect(!FileManager.default.fileExists(atPath: output + ".pincel-work"), "the work folder is removed")
    }

    /// Still masks apply to every frame: outside a change mask every finished frame is the
    /// decoded photo frame, exactly; a bad mask is refused before any work.
    @Test func aChangeMaskKeepsEveryFrameOutsideItExactly() async throws {
        let folder = try ScratchFolder.make()
        let clip = try Self.makeClip(in: folder)
        let output = folder.appendingPathComponent("out.gif").path
        var options = Self.options()
        options.frames = 0..<3
        options.keepWorkFolder = true
        var mask = Tensor(zeros: [3, 48, 64])
        for c in 0..<3 { for y in 0..<48 { for x in 0..<32 { mask.data[(c * 48 + y) * 64 + x] = 255 } } }
        var request = VideoRequest(input: clip, styles: [Self.style], output: output, options: options)
        request.spatial = SpatialControl(mask: .pixels(mask))
        let result = try await VideoTransfer(request, weights: randomVGG19Weights(seed: 2)).run()
        #expect(result.stop == .completed && result.frames == 3)
        let work = VideoWorkFolder(path: request.resolvedWorkFolder)
        for i in 0..<3 {
            let photo = try ImageIO.load(work.frame(i)), styled = try ImageIO.load(work.styled(i))
            var outside = 0, changedInside = 0
            for c in 0..<3 {
                for y in 0..<48 {
                    for x in 0..<64 {
                        let k = (c * 48 + y) * 64 + x
                        if x >= 32 { if styled.data[k] != photo.data[k] { outside += 1 } } else if x < 24, styled.data[k] != photo.data[k] { changedInside += 1 }
                    }
                }
            }
            #expect(outside == 0, "frame \(i): \(outside) values outside the mask differ from the photo")
            #expect(changedInside > 0, "frame \(i): nothing changed inside the mask")
        }
        // A mask that selects nothing: refused before any frame is decoded.
        var black = VideoRequest(input: clip, styles: [Self.style], output: folder.appendingPathComponent("b.mp4").path, options: Self.options())
        black.spatial = SpatialControl(mask: .pixels(Tensor(zeros: [3, 8, 8])))
        await #expect(throws: TransferError.self) { _ = try await VideoTransfer(black, weights: randomVGG19Weights(seed: 2)).run() }
        #expect(!FileManager.default.fileExists(atPath: black.resolvedWorkFolder + "/frames/000000.png"))
    }

    /// A cancelled run keeps its finished frames; the rerun continues after them and does
    /// not redo them. A frame range and a folder of frames as input, GIF output.
    @Test func resumeAfterCancellationDoesNotRedoFinishedFrames() async throws {
        let folder = try ScratchFolder.make()
        let frames = folder.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        for k in 0..<7 {
            try ImageIO.save(texturedFrame(width: 40, height: 30, shiftX: Double(k)), to: frames.appendingPathComponent("f_\(k + 1).png").path)
        }
        let output = folder.appendingPathComponent("out.gif").path
        var options = Self.options()
        options.frames = 1..<100
        options.transfer.size = 40
        options.frameRate = "10"
        options.keepWorkFolder = true
        let request = VideoRequest(input: frames.path, styles: [Self.style], output: output, options: options)
        let weights = randomVGG19Weights(seed: 4)
        // The events come on the transfer's thread: the task is cancelled through a box.
        let box = Mutex<Task<VideoResult, Error>?>(nil)
        let first = Task {
            try await VideoTransfer(request, weights: weights).run { event in
                if case .frameFinished(let f) = event, f.frame == 2 { box.withLock { $0?.cancel() } }
            }
        }
        box.withLock { $0 = first }
        let stopped = try await first.value
        #expect(stopped.stop == .cancelled)
        #expect(stopped.framesDone == 3)
        #expect(!FileManager.default.fileExists(atPath: output))
        let work = VideoWorkFolder(path: request.resolvedWorkFolder)
        let kept = try Data(contentsOf: URL(fileURLWithPath: work.styled(1)))

        let started = Mutex<Int>(-1)
        let resumed = try await VideoTransfer(request, weights: weights).run { event in
            if case .started(let s) = event { started.withLock { $0 = s.alreadyDone } }
        }
        #expect(started.withLock { $0 } == 3)
        #expect(resumed.stop == .completed)
        #expect(resumed.reports.map(\.frame) == [3, 4, 5])
        #expect(try Data(contentsOf: URL(fileURLWithPath: work.styled(1))) == kept)
        let p = try FFmpeg.probe(output)
        #expect(p.frames == 6)
        #expect(p.width == 40 && p.height == 32)  // 40x30 at size 40: sides at least 32
        #expect(resumed.warpingError != nil)
    }

    /// Long-term terms: frame t also looks back to t−2; its flows are kept in the work folder.
    @Test func longTermTermsUseTheirOwnFlows() async throws {
        let folder = try ScratchFolder.make()
        let clip = try Self.makeClip(in: folder)
        var options = Self.options()
        options.longTermFrames = [2]
        options.keepWorkFolder = true
        options.frames = 0..<4
        let request = VideoRequest(input: clip, styles: [Self.style], output: folder.appendingPathComponent("lt.webm").path, options: options)
        let result = try await VideoTransfer(request, weights: randomVGG19Weights(seed: 6)).run()
        #expect(result.stop == .completed && result.reports.count == 4)
        let work = VideoWorkFolder(path: request.resolvedWorkFolder)
        for i in 1..<4 { #expect(FileManager.default.fileExists(atPath: work.flow(i))) }
        #expect(!FileManager.default.fileExists(atPath: work.flow(1, offset: 2)))
        for i in 2..<4 { #expect(FileManager.default.fileExists(atPath: work.flow(i, offset: 2)), "frame \(i)") }
        #expect(try FFmpeg.probe(request.output).frames == 4)
        var bad = options
        bad.longTermFrames = [1]
        #expect(throws: VideoError.self) { try bad.validate(styleCount: 1) }
    }
}

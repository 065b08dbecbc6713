import Foundation
import Synchronization
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelImaging
@testable import PincelVideo

/// The instant video (``InstantVideoTransfer``) on a real clip: the astronaut photo panned and
/// zoomed by ffmpeg, 12 frames at 12 fps with a tone, stylised at 128 px with the instant
/// network (Starry Night). Needs the instant models (`make weights`).
@Suite(.scratchFolder, .needsWeights, .serialized) struct InstantVideoTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples")

    /// 12 frames of 256x144: a slow zoom (0.6% a frame) and pan over the astronaut, with a tone.
    static func makeClip(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("pan.mp4").path
        try runFFmpeg(["-loop", "1", "-i", examples.appendingPathComponent("astronaut.png").path,
                       "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
                       "-vf", "scale=w='trunc(450*(1+0.006*n)/2)*2':h=-2:eval=frame,crop=256:144:x='(iw-256)/2-30+n':y='(ih-144)/2-75+n/2',format=yuv420p",
                       "-r", "12", "-frames:v", "12", "-t", "1", "-c:v", "libx264", "-crf", "16", "-c:a", "aac", path])
        return path
    }

    static func request(_ clip: String, output: String) -> VideoRequest {
        var options = VideoOptions()
        options.transfer.size = 128
        options.keepWorkFolder = true
        return VideoRequest(input: clip, styles: [.file(examples.appendingPathComponent("starry_night.jpg").path)],
                            output: output, options: options)
    }

    /// Mean absolute difference of horizontally and vertically neighbouring values: how much
    /// fine texture a frame holds (a smeared frame holds less).
    static func detail(_ image: Tensor) -> Double {
        let (h, w) = (image.shape[1], image.shape[2])
        var sum = 0.0
        for c in 0..<3 {
            for y in 0..<(h - 1) {
                for x in 0..<(w - 1) {
                    let k = (c * h + y) * w + x
                    sum += Double(abs(image.data[k + 1] - image.data[k]) + abs(image.data[k + w] - image.data[k]))
                }
            }
        }
        return sum / Double(3 * (h - 1) * (w - 1))
    }

    /// The blended clip against every frame through the network alone, on the same clip:
    /// the warping error is at least 3x lower; the first frame is the same picture; where the
    /// flow is not trusted a frame is the network's picture exactly, and where it is, the
    /// blend of the rule; the frames keep their detail (no smear); frame count, rate, size and
    /// audio are kept.
    @Test func theBlendCutsTheWarpingErrorAndKeepsTheClip() async throws {
        let folder = try ScratchFolder.make()
        let clip = try Self.makeClip(in: folder)
        let stylizer = try InstantStylizer.shared()
        let plainRequest = Self.request(clip, output: folder.appendingPathComponent("plain.mp4").path)
        let blendRequest = Self.request(clip, output: folder.appendingPathComponent("blend.mkv").path)
        let plain = try await InstantVideoTransfer(plainRequest, temporalBlend: 0, stylizer: stylizer).run()
        let alpha = InstantVideoTransfer.defaultTemporalBlend
        let blended = try await InstantVideoTransfer(blendRequest, stylizer: stylizer).run()
        #expect(plain.stop == .completed && blended.stop == .completed)
        let (e0, e1) = (try #require(plain.warpingError), try #require(blended.warpingError))
        #expect(e0 >= 3 * e1, "warping error \(e0) per frame against \(e1) blended: \(e0 / e1)x")
        #expect(blended.reports.dropFirst().allSatisfy { $0.reliable > 0.5 }, "\(blended.reports.map(\.reliable))")
        for request in [plainRequest, blendRequest] {
            let p = try FFmpeg.probe(request.output)
            #expect(p.frames == 12 && FFmpeg.rateValue(p.frameRate) == 12 && p.hasAudio, "\(p)")
            #expect(p.width == 128 && p.height == 72)
        }
        let net = VideoWorkFolder(path: plainRequest.resolvedWorkFolder), out = VideoWorkFolder(path: blendRequest.resolvedWorkFolder)
        #expect(try ImageIO.load(net.styled(0)).data == ImageIO.load(out.styled(0)).data, "the first frame is the network's picture")
        var (detailNet, detailOut) = (0.0, 0.0)
        for i in 1..<12 {
            let picture = try ImageIO.load(net.styled(i)), frame = try ImageIO.load(out.styled(i))
            let previous = try ImageIO.load(out.styled(i - 1))
            let flows = try #require(out.loadFlows(index: i, width: 128, height: 72))
            let c = Reliability.weights(backward: flows.backward, forward: flows.forward)
            let warped = FlowWarp.warp(previous.data, channels: 3, flow: flows.backward).image
            var untrustedOff = 0, trustedOff = 0
            for k in frame.data.indices {
                if c[k % c.count] == 0 {
                    if frame.data[k] != picture.data[k] { untrustedOff += 1 }
                } else {
                    // The picture saved per frame is rounded: the rule on it is within (1 − α) · 0.5 + 0.5.
                    let expected = alpha * warped[k] + (1 - alpha) * picture.data[k]
                    if abs(frame.data[k] - expected) > 1 { trustedOff += 1 }
                }
            }
            #expect(untrustedOff == 0 && trustedOff == 0, "frame \(i): \(untrustedOff) untrusted, \(trustedOff) trusted values off the rule")
            detailNet += Self.detail(picture)
            detailOut += Self.detail(frame)
        }
        #expect(detailOut >= 0.8 * detailNet, "fine detail \(detailOut / 11) blended against \(detailNet / 11) per frame")
    }

    /// A run cancelled after frame 4 and rerun gives the same frames as an uninterrupted run
    /// (the blend continues from the saved previous output); a Gatys run in the instant run's
    /// work folder is refused.
    @Test func aResumedRunGivesTheSameFrames() async throws {
        let folder = try ScratchFolder.make()
        let clip = try Self.makeClip(in: folder)
        let stylizer = try InstantStylizer.shared()
        let whole = Self.request(clip, output: folder.appendingPathComponent("whole.mp4").path)
        _ = try await InstantVideoTransfer(whole, stylizer: stylizer).run()
        let parts = Self.request(clip, output: folder.appendingPathComponent("parts.webm").path)
        let box = Mutex<Task<VideoResult, Error>?>(nil)
        let first = Task {
            try await InstantVideoTransfer(parts, stylizer: stylizer).run { event in
                if case .frameFinished(let f) = event, f.frame == 4 { box.withLock { $0?.cancel() } }
            }
        }
        box.withLock { $0 = first }
        let stopped = try await first.value
        #expect(stopped.stop == .cancelled && stopped.framesDone == 5)
        #expect(!FileManager.default.fileExists(atPath: parts.output))
        await #expect(throws: VideoError.workFolderMismatch(path: parts.resolvedWorkFolder)) {
            _ = try await VideoTransfer(parts, weights: randomVGG19Weights(seed: 1)).run()
        }
        let resumed = try await InstantVideoTransfer(parts, stylizer: stylizer).run()
        #expect(resumed.stop == .completed && resumed.reports.map(\.frame) == Array(5..<12))
        let a = VideoWorkFolder(path: whole.resolvedWorkFolder), b = VideoWorkFolder(path: parts.resolvedWorkFolder)
        for i in 0..<12 {
            #expect(try ImageIO.load(a.styled(i)).data == ImageIO.load(b.styled(i)).data, "frame \(i)")
        }
        #expect(try FFmpeg.probe(parts.output).frames == 12)
    }

    /// Settings the instant video refuses, before any work.
    @Test func badSettingsAreRefused() throws {
        let request = Self.request("clip.mp4", output: "out.mp4")
        #expect(throws: VideoError.self) { try InstantVideoTransfer.validate(request, strength: 1, temporalBlend: 0.96) }
        #expect(throws: VideoError.self) { try InstantVideoTransfer.validate(request, strength: 1, temporalBlend: -0.1) }
        #expect(throws: TransferError.self) { try InstantVideoTransfer.validate(request, strength: .nan, temporalBlend: 0.5) }
        var masked = request
        masked.spatial = SpatialControl(mask: .pixels(Tensor(zeros: [3, 8, 8])))
        #expect(throws: TransferError.self) { try InstantVideoTransfer.validate(masked, strength: 1, temporalBlend: 0.5) }
        #expect(throws: VideoError.self) {
            try InstantVideoTransfer.validate(Self.request("clip.mp4", output: "out.avi"), strength: 1, temporalBlend: 0.5)
        }
        try InstantVideoTransfer.validate(request, strength: 0.5, temporalBlend: 0)
    }
}

import Foundation
import PincelTestSupport
import Testing

/// `pincel video --instant`: the instant network per frame, blended along the flow. It reads
/// no VGG19 weights, keeps the frame count, rate and audio, and follows the work folder's
/// rules as the optimised video does.
@Suite(.serialized) struct CLIVideoInstantTests {
    static func video(_ extra: [String]) -> [String] {
        ["video", "--instant", "--style", CLIPaths.starryNight, "--size", "64", "--threads", "2"] + extra
    }

    /// A 12-frame clip through the network, with a VGG19 weights path that does not exist
    /// (they are not read): frames, rate and audio kept, the warping error and the frame rate
    /// reported, nothing left but the output.
    @Test(.needsWeights) func aClipWithoutTheVGGWeightsKeepsFramesRateAndAudio() throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4", frames: 12)
            let r = try runPincel(Self.video(["--input", "clip.mp4", "--output", "out.mp4", "--weights", "no-such-vgg.pth"]),
                                  in: dir, timeout: 300)
            #expect(r.status == 0, "\(r.summary)")
            #expect(r.stderr.contains("mean warping error") && r.stderr.contains("frames/s"), "\(r.stderr)")
            #expect(r.stderr.contains("frame 12/12"), "\(r.stderr)")
            #expect(try CLIVideoFixtures.frameCount(dir.path + "/out.mp4") == 12)
            let streams = try CLIVideoFixtures.run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,r_frame_rate",
                                                               "-of", "csv=p=0", "file:" + dir.path + "/out.mp4"])
            #expect(streams.contains("video,12/1") && streams.contains("audio"), "\(streams)")
            #expect(CLIVideoFixtures.names(in: dir) == ["clip.mp4", "out.mp4"], "\(CLIVideoFixtures.names(in: dir))")
        }
    }

    /// 12 frames of 256x144 at 12 fps: a slow zoom (0.6% a frame) and pan over the astronaut,
    /// with a tone.
    static func makePan(at path: String) throws {
        try CLIVideoFixtures.run("ffmpeg", ["-nostdin", "-y", "-v", "error", "-loop", "1", "-i", CLIPaths.astronaut,
                                            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-vf",
                                            "scale=w='trunc(450*(1+0.006*n)/2)*2':h=-2:eval=frame,crop=256:144:x='(iw-256)/2-30+n':y='(ih-144)/2-75+n/2',format=yuv420p",
                                            "-r", "12", "-frames:v", "12", "-t", "1", "-c:v", "libx264", "-crf", "16", "-c:a", "aac",
                                            "-f", "mp4", "file:" + path])
    }

    /// The warping error `pincel video` prints.
    static func warpingError(_ stderr: String) -> Double? {
        guard let range = stderr.range(of: "mean warping error ") else { return nil }
        return Double(stderr[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// On a real clip (the astronaut panned and zoomed), at 128 px: the blend's warping error
    /// is at least 3x below every frame through the network alone (`--instant-blend 0`); the
    /// first frame is the same picture in both. A run stopped after frame 5 (its later frames
    /// deleted from the work folder) and rerun gives the same frames, byte for byte.
    @Test(.needsWeights) func theBlendCutsTheWarpingErrorAndResumesExactly() throws {
        try withTemporaryDirectory { dir in
            try Self.makePan(at: dir.path + "/pan.mp4")
            let common = ["video", "--instant", "--input", "pan.mp4", "--style", CLIPaths.starryNight, "--size", "128", "--threads", "2", "--keep-work"]
            let plain = try runPincel(common + ["--output", "plain.mp4", "--work-dir", "plain", "--instant-blend", "0"], in: dir, timeout: 300)
            let blended = try runPincel(common + ["--output", "blend.mp4", "--work-dir", "blend"], in: dir, timeout: 300)
            #expect(plain.status == 0 && blended.status == 0, "\(plain.summary)\n\(blended.summary)")
            let (e0, e1) = (try #require(Self.warpingError(plain.stderr)), try #require(Self.warpingError(blended.stderr)))
            #expect(e0 >= 3 * e1, "warping error \(e0) per frame against \(e1) blended: \(e0 / e1)x")
            let styled = { (folder: String, i: Int) in FileManager.default.contents(atPath: dir.path + "/\(folder)/styled/" + String(format: "%06d.png", i)) }
            #expect(styled("plain", 0) != nil && styled("plain", 0) == styled("blend", 0), "the first frame is the network's picture")
            #expect(styled("plain", 5) != styled("blend", 5))
            let whole = (0..<12).map { styled("blend", $0) }
            for i in 5..<12 { try FileManager.default.removeItem(atPath: dir.path + "/blend/styled/" + String(format: "%06d.png", i)) }
            let resumed = try runPincel(common + ["--output", "blend.mp4", "--work-dir", "blend"], in: dir, timeout: 300)
            #expect(resumed.status == 0 && resumed.stderr.contains("5 already done"), "\(resumed.summary)")
            #expect((0..<12).map { styled("blend", $0) } == whole, "the resumed run's frames differ")
            #expect(try CLIVideoFixtures.frameCount(dir.path + "/blend.mp4") == 12)
        }
    }

    /// A folder holding files Pincel did not write is refused before any work (exit 64,
    /// nothing written or deleted); a folder an instant run made is resumed, and at the end
    /// only Pincel's files go: a file the user put there stays, with its folder.
    @Test(.needsWeights) func theWorkFolderRulesHold() throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4", frames: 6)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("precious"), withIntermediateDirectories: false)
            try Data("thesis\n".utf8).write(to: dir.appendingPathComponent("precious/thesis.txt"))
            let refused = try runPincel(Self.video(["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "precious"]), in: dir, timeout: 60)
            #expect(refused.status == 64 && refused.errorLines.count == 1, "\(refused.summary)")
            #expect((refused.errorLines.first ?? "").contains("did not write"), "\(refused.stderr)")
            #expect(CLIVideoFixtures.names(in: dir) == ["clip.mp4", "precious"])
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("precious")) == ["thesis.txt"])

            let args = Self.video(["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "wd"])
            let first = try runPincel(args + ["--keep-work"], in: dir, timeout: 300)
            #expect(first.status == 0, "\(first.summary)")
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("wd")) == ["flow", "frames", "pincel-work.txt", "styled"])
            try Data("mine\n".utf8).write(to: dir.appendingPathComponent("wd/mine.txt"))
            try Data("also mine\n".utf8).write(to: dir.appendingPathComponent("wd/styled/note.txt"))
            // The optimised video refuses the instant run's folder rather than mixing frames.
            let gatys = try runPincel(["video", "--style", CLIPaths.starryNight] + CLIVideoFixtures.quick
                                      + ["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "wd"], in: dir, timeout: 300)
            #expect(gatys.status != 0 && gatys.errorLines.count == 1 && !gatys.looksLikeCrash, "\(gatys.summary)")
            let resumed = try runPincel(args, in: dir, timeout: 300)
            #expect(resumed.status == 0, "\(resumed.summary)")
            #expect(resumed.stderr.contains("6 already done"), "\(resumed.stderr)")
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("wd")) == ["mine.txt", "styled"])
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("wd/styled")) == ["note.txt"])
            #expect(try CLIVideoFixtures.frameCount(dir.path + "/out.mp4") == 6)
        }
    }

    /// Instant settings are checked before anything is read (the input here does not exist).
    @Test(arguments: [
        (["video", "--instant-strength", "0.5"], "--instant-strength needs --instant"),
        (["video", "--instant-blend", "0.5"], "--instant-blend needs --instant"),
        (["video", "--instant", "--instant-blend", "1"], "--instant-blend must be between 0 and 0.95"),
        (["video", "--instant", "--instant-strength", "2"], "--instant-strength must be between 0 and 1"),
        (["video", "--instant", "--mask", "m.png"], "--mask is for optimised transfers"),
    ])
    func badInstantSettingsAreUsageErrors(arguments: [String], expected: String) throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(arguments + ["--input", "clip.mp4", "--style", CLIPaths.starryNight, "--output", "out.mp4"], in: dir)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1 && r.stderr.contains(expected), "\(r.stderr)")
            #expect(CLIVideoFixtures.names(in: dir).isEmpty)
        }
    }
}

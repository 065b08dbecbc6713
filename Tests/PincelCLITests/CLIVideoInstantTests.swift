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

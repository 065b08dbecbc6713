import Foundation
import PincelTestSupport
import Testing

/// The work folder belongs to Pincel: a folder holding anything else, or holding the input or
/// the output, is refused before any work (exit 64, one line, nothing written or deleted); a
/// folder Pincel made is resumed and, at the end, emptied of Pincel's files only.
@Suite(.serialized) struct CLIVideoWorkFolderTests {
    static func video(_ extra: [String]) -> [String] {
        ["video", "--style", CLIPaths.starryNight] + CLIVideoFixtures.quick + extra
    }

    /// Every file under `folder` (relative paths) with its bytes.
    static func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder.path + "/" + relative) { files[relative] = data }
        }
        return files
    }

    @Test func aFolderHoldingOtherFilesIsRefusedAndKept() throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4")
            let precious = dir.appendingPathComponent("precious")
            try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: false)
            try Data("thesis\n".utf8).write(to: precious.appendingPathComponent("thesis.txt"))
            let before = Self.snapshot(dir)
            let r = try runPincel(Self.video(["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "precious"]), in: dir, timeout: 60)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            let line = r.errorLines.first ?? ""
            #expect(line.contains("precious") && line.contains("thesis.txt") && line.contains("did not write"), "\(line)")
            #expect(Self.snapshot(dir) == before, "something was written or deleted: \(CLIVideoFixtures.names(in: dir))")
        }
    }

    /// The work folder may not be (or hold) the input's or the output's folder, however spelt.
    @Test(arguments: [
        (["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "."], "the input"),
        (["--input", "clip.mp4", "--output", "sub/out.mp4", "--work-dir", "sub"], "the output"),
        (["--input", "clip.mp4", "--output", "sub/out.mp4", "--work-dir", "sub/../sub/"], "the output"),
        (["--input", "sub/in.mp4", "--output", "out.mp4", "--work-dir", "link"], "the input"),
        (["--input", "clip.mp4", "--output", "sub/deeper/out.mp4", "--work-dir", "sub"], "the output"),
        (["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "notes.txt"], "not a folder"),
    ])
    func aFolderHoldingTheInputOrOutputIsRefused(arguments: [String], expected: String) throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: dir.path + "/clip.mp4", toPath: dir.path + "/sub/in.mp4")
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/link", withDestinationPath: "sub")
            try Data("notes\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
            let before = Self.snapshot(dir)
            let r = try runPincel(Self.video(arguments), in: dir, timeout: 60)
            #expect(r.status == 64 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1 && (r.errorLines.first ?? "").contains(expected), "\(r.stderr)")
            #expect(Self.snapshot(dir) == before, "something was written or deleted: \(CLIVideoFixtures.names(in: dir))")
        }
    }

    /// A folder Pincel made is resumed (its frames are not redone) and removed at the end.
    @Test(.needsWeights) func aFolderPincelMadeIsResumedThenRemoved() throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4")
            let args = Self.video(["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "wd"])
            let first = try runPincel(args + ["--keep-work"], in: dir, timeout: 300)
            #expect(first.status == 0, "\(first.summary)")
            let kept = CLIVideoFixtures.names(in: dir.appendingPathComponent("wd"))
            #expect(kept == ["flow", "frames", "pincel-work.txt", "styled"], "\(kept)")
            let resumed = try runPincel(args, in: dir, timeout: 300)
            #expect(resumed.status == 0, "\(resumed.summary)")
            #expect(resumed.stderr.contains("4 already done"), "\(resumed.stderr)")
            #expect(CLIVideoFixtures.names(in: dir) == ["clip.mp4", "out.mp4"], "\(CLIVideoFixtures.names(in: dir))")
            #expect(try CLIVideoFixtures.frameCount(dir.path + "/out.mp4") == 4)
        }
    }

    /// A file put into the work folder after Pincel made it survives the clean-up, and so does
    /// the folder that holds it; an empty folder the user made is used and left in place.
    @Test(.needsWeights) func filesPincelDidNotWriteSurviveTheCleanUp() throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4")
            let args = Self.video(["--input", "clip.mp4", "--output", "out.mp4", "--work-dir", "wd"])
            #expect(try runPincel(args + ["--keep-work"], in: dir, timeout: 300).status == 0)
            try Data("mine\n".utf8).write(to: dir.appendingPathComponent("wd/mine.txt"))
            try Data("also mine\n".utf8).write(to: dir.appendingPathComponent("wd/styled/note.txt"))
            let r = try runPincel(args, in: dir, timeout: 300)
            #expect(r.status == 0, "\(r.summary)")
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("wd")) == ["mine.txt", "styled"])
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("wd/styled")) == ["note.txt"])
            #expect(FileManager.default.contents(atPath: dir.path + "/wd/mine.txt") == Data("mine\n".utf8))

            try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: false)
            let inEmpty = try runPincel(Self.video(["--input", "clip.mp4", "--output", "out2.mp4", "--work-dir", "empty"]),
                                        in: dir, timeout: 300)
            #expect(inEmpty.status == 0, "\(inEmpty.summary)")
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("empty")) == [], "the user's folder stays, emptied")
            #expect(FileManager.default.fileExists(atPath: dir.path + "/out2.mp4"))
        }
    }

    /// A truncated mp4 (its index at the end, or at the front as pincel video writes it) is one
    /// line naming the file and the damage, exit 1, before any work: no work folder, no output.
    @Test(arguments: [false, true]) func aTruncatedVideoIsOneLineAndLeavesNothing(faststart: Bool) throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4", frames: 24, faststart: faststart)
            try CLIVideoFixtures.truncateToHalf(dir.path + "/clip.mp4")
            let before = Self.snapshot(dir)
            let r = try runPincel(Self.video(["--input", "clip.mp4", "--output", "out.mp4"]), in: dir, timeout: 60)
            #expect(r.status == 1 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            let line = r.errorLines.first ?? ""
            #expect(line.contains("clip.mp4: the video is truncated or damaged (ffmpeg: "), "\(line)")
            #expect(!line.contains("Error marking filters"), "\(line)")
            #expect(Self.snapshot(dir) == before, "\(CLIVideoFixtures.names(in: dir))")
        }
    }
}

import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL
@testable import PincelVideo

/// The work folder belongs to Pincel: it is new, empty or marked by an earlier run; anything
/// else is refused before a file is written, and the clean-up deletes Pincel's files only.
@Suite(.scratchFolder) struct VideoWorkFolderTests {
    static func touch(_ path: String, _ text: String = "x") throws {
        try FileManager.default.createDirectory(atPath: OutputCheck.split(path).folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func theMarkerAndPincelsNamesAreRecognised() throws {
        let marker = VideoWorkFolder.Marker(madeByPincel: true, seed: 42, fingerprint: "input /a.mp4 1 2\nframes 0..<3")
        #expect(VideoWorkFolder.Marker(text: marker.text) == marker)
        #expect(VideoWorkFolder.Marker(text: "seed 42\ninput /a.mp4") == nil)
        #expect(VideoWorkFolder.Marker(text: "thesis") == nil)
        for name in ["000000.png", "000123.png", "1234567.png"] { #expect(VideoWorkFolder.isFrameName(name), "\(name)") }
        for name in ["00001.png", "thesis.png", "000001.png.bak", "000001.PNG", "０００００１.png", ".png"] {
            #expect(!VideoWorkFolder.isFrameName(name), "\(name)")
        }
        for name in ["000002.flo", "000009-4.flo"] { #expect(VideoWorkFolder.isFlowName(name), "\(name)") }
        for name in ["000002-.flo", "2.flo", "000002-x.flo", "notes.flo"] { #expect(!VideoWorkFolder.isFlowName(name), "\(name)") }
        let temporary = OutputCheck.split(OutputCheck.temporaryPath(for: "/work/styled/000003.png")).name
        #expect(VideoWorkFolder.isImageTemporaryName(temporary), "\(temporary)")
        for name in [".thesis.png.tmp-1-0badf00d.png", ".000003.png.tmp--0badf00d.png", ".000003.png.tmp-1-0bad.png", ".png", ".tmp-.png"] {
            #expect(!VideoWorkFolder.isImageTemporaryName(name), "\(name)")
        }
    }

    @Test func aFolderHoldingOtherFilesIsRefusedAndLeftAsItWas() throws {
        let folder = try ScratchFolder.make().path
        try Self.touch(folder + "/thesis.txt", "thesis")
        try Self.touch(folder + "/styled/000000.png")  // a frame with no marker is not Pincel's either
        let work = VideoWorkFolder(path: folder, shownAs: "precious")
        #expect(try work.state() == .foreign(["styled", "thesis.txt"]))
        #expect(throws: VideoError.workFolderRefused(path: "precious", reason: VideoWorkFolder.foreignReason(["styled", "thesis.txt"]))) {
            try work.open(fingerprint: "f", seed: 1)
        }
        #expect(Self.names(folder) == ["styled", "thesis.txt"])
        #expect(Self.names(folder + "/styled") == ["000000.png"])
        #expect(VideoError.workFolderRefused(path: "precious", reason: VideoWorkFolder.foreignReason(["thesis.txt"])).description
            == "cannot use precious as the work folder: it holds files Pincel did not write ('thesis.txt'); "
            + "Pincel deletes its work folder's files at the end, so give a new or empty folder")
    }

    /// Pincel's own files go; a file put there by anything else stays, with the folders above it.
    @Test func theCleanUpDeletesPincelsFilesOnly() throws {
        let root = try ScratchFolder.make().path
        let work = VideoWorkFolder(path: root + "/new/wd")
        #expect(try work.open(fingerprint: "f", seed: 3) == 3)
        for file in ["frames/000000.png", "frames/000001.png", "frames.partial/000002.png", "styled/000000.png",
                     "styled/.000001.png.tmp-77-0badf00d.png", "flow/000001.flo", "flow/000002-2.flo", "flow/000003.flo.partial",
                     "pincel-work.txt.partial"] {
            try Self.touch(work.path + "/" + file)
        }
        try Self.touch(work.path + "/styled/keep.png", "mine")
        try Self.touch(work.path + "/flow/notes.txt", "mine")
        work.removeOwnFiles()
        #expect(Self.names(work.path) == ["flow", "styled"])
        #expect(Self.names(work.path + "/styled") == ["keep.png"])
        #expect(Self.names(work.path + "/flow") == ["notes.txt"])

        // Made by Pincel and left empty: removed. Made by the user (empty): emptied, kept.
        let made = VideoWorkFolder(path: root + "/made")
        _ = try made.open(fingerprint: "f", seed: 1)
        try Self.touch(made.styled(0))
        made.removeOwnFiles()
        #expect(!FileManager.default.fileExists(atPath: made.path))
        let users = VideoWorkFolder(path: try ScratchFolder.make().path)
        _ = try users.open(fingerprint: "f", seed: 1)
        #expect(users.readMarker()?.madeByPincel == false)
        users.removeOwnFiles()
        #expect(FileManager.default.fileExists(atPath: users.path) && Self.names(users.path).isEmpty)
    }

    @Test func aFolderThatHoldsTheInputOrTheOutputIsRefused() throws {
        let root = try ScratchFolder.make().path
        try Self.touch(root + "/in/clip.mp4")
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/in")
        let cases: [(work: String, input: String, output: String, refused: Bool)] = [
            (root + "/in", root + "/in/clip.mp4", root + "/out.mp4", true),
            (root + "/link", root + "/in/clip.mp4", root + "/out.mp4", true),
            (root + "/link/../in/.", root + "/in/clip.mp4", root + "/out.mp4", true),
            (root, root + "/in/clip.mp4", root + "/out/o.mp4", true),
            (root + "/out", root + "/in/clip.mp4", root + "/out/deeper/o.mp4", true),
            (root + "/wd", root + "/in/clip.mp4", root + "/out.mp4", false),
            (root + "/in2", root + "/in/clip.mp4", root + "/in2.mp4", false),
        ]
        for c in cases {
            let refused: Bool
            do {
                try VideoWorkFolder(path: c.work).checkUse(input: c.input, output: c.output)
                refused = false
            } catch VideoError.workFolderRefused {
                refused = true
            }
            #expect(refused == c.refused, "\(c)")
        }
        try Self.touch(root + "/file.txt")
        #expect(throws: VideoError.self) { try VideoWorkFolder(path: root + "/file.txt").checkUse(input: "/x", output: "/y") }
    }

    /// A run that fails before any frame is finished leaves no work folder; the input stays.
    @Test func aRunThatFailsBeforeAnyFrameLeavesNoWorkFolder() async throws {
        let folder = try ScratchFolder.make()
        let frames = folder.appendingPathComponent("frames").path
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: false)
        try ImageIO.save(texturedFrame(width: 40, height: 30), to: frames + "/f1.png")
        try Self.touch(frames + "/f2.png", "not a png")
        let output = folder.appendingPathComponent("out.mp4").path
        let request = VideoRequest(input: frames, styles: [VideoPipelineTests.style], output: output, options: VideoPipelineTests.options())
        await #expect(throws: ImageError.self) { _ = try await VideoTransfer(request, weights: randomVGG19Weights(seed: 1)).run() }
        #expect(Self.names(folder.path) == ["frames"])
        #expect(Self.names(frames) == ["f1.png", "f2.png"])
    }

    /// End to end (random weights) with a `%`, brackets, quotes, non-ASCII and a newline in
    /// every path: the input, the output and the work folder.
    @Test func oddNamesWorkEndToEnd() async throws {
        let folder = try ScratchFolder.make().appendingPathComponent("100% [x] 'q' \"d\" é\n%s")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let clip = try VideoPipelineTests.makeClip(in: folder, name: "-in %d [1].mp4")
        var options = VideoPipelineTests.options()
        options.frames = 0..<3
        let output = folder.appendingPathComponent("out %06d.mp4").path
        let request = VideoRequest(input: clip, styles: [VideoPipelineTests.style], output: output,
                                   workFolder: folder.appendingPathComponent("wd%03d *?").path, options: options)
        let result = try await VideoTransfer(request, weights: randomVGG19Weights(seed: 2)).run()
        #expect(result.stop == .completed)
        #expect(try FFmpeg.probe(output).frames == 3)
        #expect(Self.names(folder.path) == ["-in %d [1].mp4", "out %06d.mp4"])
        #expect(FFmpeg.sequencePattern("/a%b") == "file:/a%%b/%06d.png")
    }

    /// A truncated mp4 is named as such: index at the end (moov atom not found by ffprobe) or at
    /// the front (the packets end early: ffprobe's "partial file", and the decoder's errors).
    @Test func aTruncatedVideoIsDamagedInput() throws {
        let folder = try ScratchFolder.make()
        let clip = try VideoPipelineTests.makeClip(in: folder)
        let front = folder.appendingPathComponent("front.mp4").path
        try runFFmpeg(["-i", clip, "-c", "copy", "-movflags", "+faststart", front])
        for path in [clip, front] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        }
        do {
            _ = try FFmpeg.probe(clip, shownAs: "clip.mp4")
            Issue.record("the truncated clip was accepted")
        } catch VideoError.damagedInput(let path, let detail) {
            #expect(path == "clip.mp4" && detail.contains("moov atom not found"), "\(detail)")
        }
        #expect(throws: VideoError.self) { try FFmpeg.probe(front) }
        let frames = folder.appendingPathComponent("frames").path
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: false)
        do {
            _ = try FFmpeg.decode(front, range: 0..<8, width: 64, height: 48, into: frames, shownAs: "front.mp4")
            Issue.record("the truncated clip decoded")
        } catch VideoError.damagedInput(let path, let detail) {
            #expect(path == "front.mp4" && !detail.contains("Error marking filters"), "\(detail)")
            #expect(VideoError.damagedInput(path: path, detail: detail).description.hasPrefix("front.mp4: the video is truncated or damaged (ffmpeg: "))
        }
    }
}

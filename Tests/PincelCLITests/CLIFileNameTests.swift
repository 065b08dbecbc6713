import Foundation
import PincelTestSupport
import Testing

/// Any file name works: paths reach libvips and ffmpeg as names, never as patterns, options or
/// protocols. Each name is used for every file of a run (content, style, output; a video's
/// input, output and work folder), given as a plain argument: a name that starts with `-`
/// follows its option as its value (`--output -x.png`).
@Suite(.serialized, .needsWeights) struct CLIFileNameTests {
    static let names = [
        "100%", "my%20clip", "wd%03d", "with space", "quote's", "double\"quote", "-dash", "é 写", "new\nline",
        "brackets[1]", "glob*?{a,b}", "http:x",
    ]

    /// No hidden temporary file and nothing else but `expected` is left in `dir`.
    static func expectOnly(_ expected: [String], in dir: URL, _ context: String) {
        let left = CLIVideoFixtures.names(in: dir)
        #expect(left == expected.sorted(), "\(context): left \(left)")
    }

    @Test(arguments: names) func aTransferReadsAndWritesTheName(name: String) throws {
        try withTemporaryDirectory { dir in
            let content = name + ".png", style = name + ".jpg", output = name + " out.png"
            try FileManager.default.copyItem(atPath: CLIPaths.astronaut, toPath: dir.path + "/" + content)
            try FileManager.default.copyItem(atPath: CLIPaths.starryNight, toPath: dir.path + "/" + style)
            let r = try runPincel(["--content", content, "--style", style, "--output", output, "--size", "32", "--iterations", "2",
                                   "--scales", "1", "--seed", "1", "--threads", "2", "--quiet"], in: dir, timeout: 120)
            #expect(r.status == 0 && !r.looksLikeCrash, "\(r.summary)")
            #expect(r.stdout == output + "\n", "\(r.stdout)")
            let written = try PNGImage(contentsOf: dir.path + "/" + output)
            #expect(max(written.width, written.height) == 32)
            Self.expectOnly([content, style, output], in: dir, name)
        }
    }

    /// JPEG, WebP and TIFF outputs too, named after `--output` as a word of its own and in the
    /// `--output=NAME` spelling.
    @Test(arguments: ["-[1] 100% é.jpg", "-x 'q'.webp", "-new\nline%d.tif"]) func everyFormatTakesTheName(output: String) throws {
        try withTemporaryDirectory { dir in
            let quick = ["--size", "32", "--iterations", "2", "--scales", "1", "--seed", "1", "--threads", "2", "--quiet"]
            let inputs = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight]
            let joined = "=" + output
            for spelling in [["--output", output], ["--output" + joined]] {
                let r = try runPincel(inputs + quick + spelling, in: dir, timeout: 120)
                #expect(r.status == 0 && !r.looksLikeCrash, "\(spelling): \(r.summary)")
                Self.expectOnly([output], in: dir, output)
                let size = (try? FileManager.default.attributesOfItem(atPath: dir.path + "/" + output)[.size] as? Int) ?? 0
                #expect(size > 100, "\(output): \(size) bytes")
            }
        }
    }

    @Test(arguments: names) func aVideoReadsAndWritesTheName(name: String) throws {
        try withTemporaryDirectory { dir in
            let input = name + ".mp4", output = name + " out.mp4", work = name + " wd"
            try CLIVideoFixtures.makeClip(at: dir.path + "/" + input, frames: 3)
            let r = try runPincel(["video", "--input", input, "--style", CLIPaths.starryNight, "--output", output, "--work-dir", work]
                                  + CLIVideoFixtures.quick, in: dir, timeout: 300)
            #expect(r.status == 0 && !r.looksLikeCrash, "\(r.summary)")
            #expect(try CLIVideoFixtures.frameCount(dir.path + "/" + output) == 3)
            Self.expectOnly([input, output], in: dir, name)
        }
    }

    /// The default work folder (named after the output) takes the name too.
    @Test func theDefaultWorkFolderTakesAPercentName() throws {
        try withTemporaryDirectory { dir in
            try CLIVideoFixtures.makeClip(at: dir.path + "/clip.mp4", frames: 2)
            let r = try runPincel(["video", "--input", "clip.mp4", "--style", CLIPaths.starryNight, "--output", "100%.mp4"]
                                  + CLIVideoFixtures.quick, in: dir, timeout: 300)
            #expect(r.status == 0 && !r.looksLikeCrash, "\(r.summary)")
            Self.expectOnly(["100%.mp4", "clip.mp4"], in: dir, "100%.mp4")
        }
    }
}

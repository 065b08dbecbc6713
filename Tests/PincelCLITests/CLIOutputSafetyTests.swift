import Foundation
import Testing
import PincelTestSupport

/// One way of naming an output that must be refused up front.
struct OutputCase: CustomTestStringConvertible, Sendable {
    let name: String
    let extra: [String]
    let mustContain: [String]
    var testDescription: String { name }
}

/// Outputs: never an input (by any spelling), and every failure that can be known before the
/// work is found before it (exit 64, one line, the input untouched, nothing written).
@Suite struct CLIOutputSafetyTests {
    static let sameFile: [OutputCase] = [
        OutputCase(name: "output is the content", extra: ["--output", "photo.png"], mustContain: ["--output", "same file", "--content"]),
        OutputCase(name: "output ./content", extra: ["--output", "./photo.png"], mustContain: ["same file"]),
        OutputCase(name: "output sub/../content", extra: ["--output", "sub/../photo.png"], mustContain: ["same file"]),
        OutputCase(name: "output symlink to content", extra: ["--output", "link.png"], mustContain: ["same file"]),
        OutputCase(name: "output hard link to content", extra: ["--output", "hard.png"], mustContain: ["same file"]),
        OutputCase(name: "output is the style", extra: ["--output", "./style.jpg"], mustContain: ["same file", "--style"]),
        OutputCase(name: "output is the init image", extra: ["--output", "init.png", "--init", "./init.png"],
                   mustContain: ["same file", "--init"]),
        OutputCase(name: "log is the content", extra: ["--output", "out.png", "--log", "hard.png"],
                   mustContain: ["--log", "same file", "--content"]),
        OutputCase(name: "log is the output", extra: ["--output", "out.png", "--log", "sub/../out.png"],
                   mustContain: ["--log", "same file", "--output"]),
        OutputCase(name: "log is the weights", extra: ["--output", "out.png", "--log", "w.bin", "--weights", "./w.bin"],
                   mustContain: ["--log", "same file", "--weights"]),
        OutputCase(name: "intermediate image is the content",
                   extra: ["--output", "out.png", "--save-every", "1", "--iterations", "3", "--content", "out-00002.png"],
                   mustContain: ["--save-every", "same file", "--content"]),
        OutputCase(name: "output is a folder", extra: ["--output", "dir.png"], mustContain: ["--output dir.png", "folder"]),
        OutputCase(name: "output name over NAME_MAX", extra: ["--output", String(repeating: "a", count: 252) + ".png"],
                   mustContain: ["--output", "256 bytes", "limit is 255"]),
        OutputCase(name: "intermediate name over NAME_MAX",
                   extra: ["--output", String(repeating: "a", count: 246) + ".png", "--save-every", "1"],
                   mustContain: ["--save-every", "limit is 255"]),
        OutputCase(name: "log is a folder", extra: ["--output", "out.png", "--log", "sub"], mustContain: ["--log sub", "folder"]),
        OutputCase(name: "log is a FIFO nobody reads", extra: ["--output", "out.png", "--log", "fifo"],
                   mustContain: ["--log fifo", "no process is reading"]),
        OutputCase(name: "sheet output is the content",
                   extra: ["sheet", "init", "--content", "photo.png", "--style", "style.jpg", "--output", "./link.png"],
                   mustContain: ["--output", "same file", "--content"]),
        OutputCase(name: "a tile would replace the image",
                   extra: ["reconstruct", "content", "--image", "sub/01-relu1_2.png", "--keep-tiles", "sub", "--output", "o.png"],
                   mustContain: ["--keep-tiles", "same file", "--image"]),
    ]

    /// In a folder with `photo.png` (+ `link.png` → it, `hard.png` a hard link), `init.png`,
    /// `out-00002.png`, `sub/01-relu1_2.png`, `style.jpg`, `w.bin`, a folder `dir.png`, a FIFO `fifo`.
    @Test(arguments: sameFile)
    func refusedBeforeAnyWork(_ c: OutputCase) throws {
        try withTemporaryDirectory { dir in
            let fm = FileManager.default
            func at(_ name: String) -> String { dir.appendingPathComponent(name).path }
            for name in ["photo.png", "init.png", "out-00002.png"] { try fm.copyItem(atPath: CLIPaths.astronaut, toPath: at(name)) }
            try fm.copyItem(atPath: CLIPaths.starryNight, toPath: at("style.jpg"))
            try fm.createSymbolicLink(atPath: at("link.png"), withDestinationPath: "photo.png")
            #expect(link(at("photo.png"), at("hard.png")) == 0)
            for folder in ["sub", "dir.png"] { try fm.createDirectory(atPath: at(folder), withIntermediateDirectories: false) }
            try fm.copyItem(atPath: CLIPaths.astronaut, toPath: at("sub/01-relu1_2.png"))
            try Data("weights".utf8).write(to: URL(fileURLWithPath: at("w.bin")))
            #expect(mkfifo(at("fifo"), 0o644) == 0)
            let before = try fm.contentsOfDirectory(atPath: dir.path).sorted()
            let photo = try Data(contentsOf: URL(fileURLWithPath: at("photo.png")))

            var args = c.extra
            if !["sheet", "reconstruct"].contains(args.first ?? "") {
                args = ["--content", "photo.png", "--style", "style.jpg", "--size", "32", "--iterations", "2"] + args
            }
            let r = try runPincel(args, in: dir, timeout: 20)
            #expect(r.status == 64 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.errorLines.count == 1, "expected one Error: line: \(r.stderr)")
            let line = r.errorLines.first ?? ""
            for word in c.mustContain { #expect(line.contains(word), "'\(word)' missing from: \(line)") }
            #expect(!r.stderr.contains("seed:"), "work started: \(r.stderr)")
            #expect(try fm.contentsOfDirectory(atPath: dir.path).sorted() == before, "files appeared or vanished")
            #expect(try Data(contentsOf: URL(fileURLWithPath: at("photo.png"))) == photo, "the photo changed")
        }
    }

    /// A 240-character file name: the hidden temporary name of the atomic save fits NAME_MAX,
    /// the run succeeds and leaves only its output (and the intermediate image).
    @Test(.needsWeights) func longOutputNameSaves() throws {
        try withTemporaryDirectory { dir in
            let name = String(repeating: "r", count: 236) + ".png"
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", name,
                                   "--size", "32", "--iterations", "2", "--save-every", "1", "--seed", "1"], in: dir, timeout: 120)
            #expect(r.status == 0, "\(r.summary)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            #expect(files == [String(repeating: "r", count: 236) + "-00001.png", name], "\(files)")
        }
    }

    /// A read-only folder is found before the work, also as root (where access() says yes to a
    /// chmod 555 folder): a read-only tmpfs, where the machine allows mounting one.
    @Test(.enabled(if: TmpfsMount.isAvailable, "needs a tmpfs mount (root with CAP_SYS_ADMIN)"))
    func readOnlyFolderRefusedUpFront() throws {
        try withTemporaryDirectory { dir in
            let folder = dir.appendingPathComponent("ro").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try #require(TmpfsMount.mount(folder, options: "ro,size=64k"), "mount failed")
            defer { TmpfsMount.unmount(folder) }
            for extra in [["--output", "ro/out.png"], ["--output", "out.png", "--log", "ro/log.csv"]] {
                let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "32",
                                       "--iterations", "2"] + extra, in: dir, timeout: 20)
                #expect(r.status == 64, "\(r.summary)")
                #expect(r.errorLines.count == 1 && (r.errorLines.first ?? "").contains("Read-only file system"), "\(r.stderr)")
            }
        }
    }

    /// A log that cannot be written (a full device) is an error: exit 1 with one line, and the
    /// image is still saved. Needs mknod (root with CAP_MKNOD), else skipped.
    @Test(.needsWeights, .enabled(if: Self.canMakeFullDevice, "needs mknod (root with CAP_MKNOD)"))
    func logWriteFailureIsAnError() throws {
        try withTemporaryDirectory { dir in
            let full = dir.appendingPathComponent("full").path
            try #require(Self.makeFullDevice(at: full), "mknod failed")
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--output", "out.png",
                                   "--size", "32", "--iterations", "2", "--log", "full"], in: dir, timeout: 120)
            #expect(r.status == 1 && !r.killedBySignal, "\(r.summary)")
            #expect(r.errorLines.count == 1 && (r.errorLines.first ?? "").contains("--log full"), "\(r.stderr)")
            #expect((r.errorLines.first ?? "").contains("No space left"), "\(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.png").path))
        }
    }

    /// A character device 1:7, which is /dev/full (some containers replace /dev/full with a plain file).
    static func makeFullDevice(at path: String) -> Bool { mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0 }

    /// Whether this machine lets the tests create one (probed once, in a scratch folder).
    static let canMakeFullDevice: Bool = (try? withTemporaryDirectory { makeFullDevice(at: $0.appendingPathComponent("full").path) }) ?? false
}

import Foundation
import PincelTestSupport
import Testing

/// `pincel batch`'s bad usage (one line, exit 64, before the weights load: these run in the
/// fast tier, where there are no weights, so a check made after loading them would exit 1) and
/// its plan (`--plan`, no weights either): fingerprints and seeds.
@Suite struct CLIBatchUsageTests {
    func expectUsageError(_ arguments: [String], in dir: URL, mentioning text: String) throws {
        let r = try runPincel(["batch"] + arguments, in: dir, timeout: 120)
        #expect(r.status == 64 && !r.looksLikeCrash, "\(arguments): \(r.summary)")
        #expect(r.errorLines.count == 1 && r.errorLines.first?.contains(text) == true, "\(arguments): \(r.stderr)")
    }

    func writeManifest(_ dir: URL, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
    }

    @Test func badUsageIsOneLineAndExit64BeforeAnyWork() throws {
        try withTemporaryDirectory { dir in
            let style = CLIPaths.starryNight, photo = CLIPaths.astronaut
            try expectUsageError(["--output-dir", "o"], in: dir, mentioning: "--manifest")
            try expectUsageError(["--contents", photo, "--output-dir", "o"], in: dir, mentioning: "--styles")
            try writeManifest(dir, "content,style,output\n\(photo),\(style),a.png\n")
            try expectUsageError(["--manifest", "m.csv", "--contents", photo, "--styles", style, "--output-dir", "o"],
                                 in: dir, mentioning: "not both")
            try expectUsageError(["--manifest", "missing.csv", "--output-dir", "o"], in: dir, mentioning: "missing.csv")
            try expectUsageError(["--contents", photo, "--style", style, "--output-dir", "o"], in: dir, mentioning: "--styles")
            try writeManifest(dir, "content,style,output,size\n\(photo),\(style),a.png,abc\n")
            try expectUsageError(["--manifest", "m.csv", "--output-dir", "o"], in: dir, mentioning: "line 2")
            try writeManifest(dir, "content,style,output,size\n\(photo),\(style),a.png,8\n")
            try expectUsageError(["--manifest", "m.csv", "--output-dir", "o"], in: dir, mentioning: "--size must be between")
            try writeManifest(dir, "content,style,output,colour\n\(photo),\(style),a.png,red\n")
            try expectUsageError(["--manifest", "m.csv", "--output-dir", "o"], in: dir, mentioning: "--colour")
            try writeManifest(dir, "content,style\n\(photo),\(style)\n")
            try expectUsageError(["--manifest", "m.csv", "--output-dir", "o"], in: dir, mentioning: "'output'")
            try writeManifest(dir, "content,style,output\n\(photo),\(style),a.png\n\(photo),\(style),a.png\n")
            try expectUsageError(["--manifest", "m.csv", "--output-dir", "o"], in: dir, mentioning: "both write")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o/report.csv").path))
        }
    }

    /// The plan's fingerprint covers the inputs' bytes and the settings, not the file names or
    /// the thread count; an item without a seed gets one derived from it, the same every time.
    @Test func fingerprintFollowsBytesAndSettingsNotNames() throws {
        try withTemporaryDirectory { dir in
            let copy = dir.appendingPathComponent("renamed.png")
            try FileManager.default.copyItem(atPath: CLIPaths.astronaut, toPath: copy.path)
            try writeManifest(dir, "content,style,output,size,seed,threads\n"
                              + "\(CLIPaths.astronaut),\(CLIPaths.starryNight),a.png,64,,\n"
                              + "renamed.png,\(CLIPaths.starryNight),b.png,64,,\n"
                              + "renamed.png,\(CLIPaths.starryNight),c.png,65,,\n"
                              + "renamed.png,\(CLIPaths.starryNight),d.png,64,7,2\n")
            // `threads` is the batch's: refused as a column.
            try expectUsageError(["--manifest", "m.csv", "--output-dir", "o"], in: dir, mentioning: "threads")
            try writeManifest(dir, "content,style,output,size,seed\n"
                              + "\(CLIPaths.astronaut),\(CLIPaths.starryNight),a.png,64,\n"
                              + "renamed.png,\(CLIPaths.starryNight),b.png,64,\n"
                              + "renamed.png,\(CLIPaths.starryNight),c.png,65,\n"
                              + "renamed.png,\(CLIPaths.starryNight),d.png,64,7\n")
            func plan(_ extra: [String]) throws -> [[String: Any]] {
                let r = try runPincel(["batch", "--manifest", "m.csv", "--output-dir", "o", "--plan"] + extra, in: dir, timeout: 120)
                #expect(r.status == 0, "\(r.summary)")
                return r.stdout.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
            }
            let items = try plan([])
            try #require(items.count == 4)
            let fingerprints = items.map { $0["fingerprint"] as? String ?? "" }
            #expect(fingerprints[0] == fingerprints[1], "the same bytes under another name")
            #expect(fingerprints[2] != fingerprints[1], "another size")
            #expect(fingerprints[3] != fingerprints[1], "an explicit seed")
            #expect((items[3]["seed"] as? NSNumber)?.uint64Value == 7)
            #expect((items[0]["seed"] as? NSNumber) == (items[1]["seed"] as? NSNumber))
            #expect(items.allSatisfy { $0["status"] as? String == "todo" })
            let threaded = try plan(["--threads", "1"])
            #expect(threaded.map { $0["fingerprint"] as? String ?? "" } == fingerprints, "threads change nothing")
            #expect(try plan(["--style-weight", "50"]).map { $0["fingerprint"] as? String ?? "" }.allSatisfy { !fingerprints.contains($0) })
        }
    }
}

import Foundation
import PincelTestSupport
import Testing

/// `pincel batch` with the real weights: 6 photos x 1 style at 48 px, resumed, redone after a
/// changed setting, and a corrupt photo among them. Serialized: each run uses every core.
@Suite(.serialized, .needsWeights) struct CLIBatchRunTests {
    static let settings = ["--size", "48", "--iterations", "8", "--tolerance", "0", "--threads", "2"]

    func batch(_ dir: URL, output: String, extra: [String] = []) throws -> CLIResult {
        try runPincel(["batch", "--contents", "photos", "--styles", CLIPaths.starryNight, "--output-dir", output]
                      + Self.settings + extra, in: dir, timeout: 300)
    }

    @Test func sixPhotosThenResumeThenChangedSettingThenCorruptPhoto() throws {
        try withTemporaryDirectory { dir in
            try CLIBatchFixtures.makePhotos(in: dir.appendingPathComponent("photos"))
            let out = dir.appendingPathComponent("out")

            // 6 outputs, each with its fingerprint, seed and objective in the report.
            let first = try batch(dir, output: "out")
            #expect(first.status == 0 && !first.looksLikeCrash, "\(first.summary)")
            let rows = try CLIBatchFixtures.report(out.appendingPathComponent("report.csv"))
            #expect(rows.map { $0["status"] } == Array(repeating: "done", count: 6), "\(rows)")
            #expect(rows.allSatisfy { ($0["fingerprint"] ?? "").count == 64 && UInt64($0["seed"] ?? "") != nil
                                      && (Double($0["objective"] ?? "") ?? 0) > 0 })
            #expect(Set(rows.compactMap { $0["fingerprint"] }).count == 6)
            #expect(CLIVideoFixtures.names(in: out) == (CLIBatchFixtures.outputs + ["report.csv"]).sorted())
            // The progress lines (plain, without a terminal) fit 80 columns.
            let progress = first.stderr.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("ETA") }
            #expect(!progress.isEmpty && progress.allSatisfy { $0.count < 80 }, "\(first.stderr)")
            let stamps = try CLIBatchFixtures.stamps(out, names: CLIBatchFixtures.outputs)

            // The same command again: every output skipped, none rewritten.
            let again = try batch(dir, output: "out")
            #expect(again.status == 0, "\(again.summary)")
            let skipped = try CLIBatchFixtures.report(out.appendingPathComponent("report.csv"))
            #expect(skipped.map { $0["status"] } == Array(repeating: "skipped", count: 6), "\(skipped)")
            #expect(skipped.map { $0["fingerprint"] } == rows.map { $0["fingerprint"] })
            #expect(skipped.map { $0["objective"] } == rows.map { $0["objective"] }, "the stored objective is reported")
            #expect(try CLIBatchFixtures.stamps(out, names: CLIBatchFixtures.outputs) == stamps)
            #expect(!again.stderr.contains("ETA"), "a transfer ran: \(again.stderr)")

            // One setting changed: every output redone, with new fingerprints.
            let changed = try batch(dir, output: "out", extra: ["--style-weight", "50"])
            #expect(changed.status == 0, "\(changed.summary)")
            let redone = try CLIBatchFixtures.report(out.appendingPathComponent("report.csv"))
            #expect(redone.map { $0["status"] } == Array(repeating: "done", count: 6), "\(redone)")
            #expect(Set(redone.compactMap { $0["fingerprint"] }).isDisjoint(with: rows.compactMap { $0["fingerprint"] }))
            let restamped = try CLIBatchFixtures.stamps(out, names: CLIBatchFixtures.outputs)
            #expect(CLIBatchFixtures.outputs.allSatisfy { restamped[$0] != stamps[$0] })

            // A corrupt photo among the six: the other five finish, exit 1, the report names it.
            try Data("not an image".utf8).write(to: dir.appendingPathComponent("photos/p3.png"))
            let corrupt = try batch(dir, output: "out2")
            #expect(corrupt.status == 1 && !corrupt.looksLikeCrash, "\(corrupt.summary)")
            #expect(corrupt.errorLines == ["Error: 1 of 6 items failed (see out2/report.csv)"], "\(corrupt.stderr)")
            let mixed = try CLIBatchFixtures.report(dir.appendingPathComponent("out2/report.csv"))
            #expect(mixed.map { $0["status"] } == ["done", "done", "failed", "done", "done", "done"], "\(mixed)")
            #expect(mixed[2]["content"] == "photos/p3.png" && (mixed[2]["error"] ?? "").contains("p3.png"), "\(mixed[2])")
            #expect(CLIVideoFixtures.names(in: dir.appendingPathComponent("out2"))
                    == (CLIBatchFixtures.outputs.filter { $0 != "p3-starry_night.png" } + ["report.csv"]).sorted())
        }
    }
}

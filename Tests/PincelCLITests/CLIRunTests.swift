import Foundation
import PincelTestSupport
import Testing

/// One row of the `--log` CSV: `iteration,scale,side,elapsed_s,content,style,tv,total,rejected`; the
/// closing `# saved,elapsed_s,content,style,tv,total` comment line becomes a row with `iteration` "saved".
struct LogRow {
    let iteration: String
    let elapsed: Double
    let content: Double
    let style: Double
    let tv: Double
    let total: Double
    var scale = 0
    var side = 0
    var rejected = false

    /// The rows of the CSV at `path` (the header is checked and dropped). Every data row must be
    /// numeric, and only the last line may be the `# saved` comment.
    static func read(_ path: String) throws -> [LogRow] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "iteration,scale,side,elapsed_s,content,style,tv,total,rejected", "header: \(lines.first ?? "none")")
        return lines.dropFirst().enumerated().compactMap { index, line in
            let f = line.split(separator: ",").map(String.init)
            if f.first == "# saved" || f.first == "# interrupted" {
                #expect(index == lines.count - 2, "the closing comment line is not the last line")
                guard f.count == 6, let e = Double(f[1]), let c = Double(f[2]), let s = Double(f[3]), let t = Double(f[4]),
                      let total = Double(f[5]) else {
                    Issue.record("malformed saved line: \(line)")
                    return nil
                }
                return LogRow(iteration: String(f[0].dropFirst(2)), elapsed: e, content: c, style: s, tv: t, total: total)
            }
            guard f.count == 9, Int(f[0]) != nil, let scale = Int(f[1]), let side = Int(f[2]), let e = Double(f[3]),
                  let c = Double(f[4]), let s = Double(f[5]), let t = Double(f[6]), let total = Double(f[7]),
                  let rejected = Int(f[8]), rejected == 0 || rejected == 1 else {
                Issue.record("malformed log row: \(line)")
                return nil
            }
            return LogRow(iteration: f[0], elapsed: e, content: c, style: s, tv: t, total: total,
                          scale: scale, side: side, rejected: rejected == 1)
        }
    }
}

/// Real transfers with the real VGG19 weights (from the cache `make weights` fills), at 64 px.
/// Serialized: each run uses every core, and the machine may have only two.
@Suite(.serialized, .needsWeights) struct CLIRunTests {
    /// The README's example, shrunk: 30 L-BFGS iterations at 64 px, seed 3.
    @Test func endToEndTransferWritesImageLogAndMetadata() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("tmp"), withIntermediateDirectories: true)
            let r = try runPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "64",
                                   "--iterations", "30", "--seed", "3", "--tolerance", "0", "--log", "out.csv", "--output", "tmp/out.png"],
                                  in: dir, timeout: 180)
            #expect(r.status == 0 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.stdout == "tmp/out.png\n", "stdout: \(r.stdout)")
            #expect(r.stderr.contains("seed: 3"), "stderr: \(r.stderr)")

            // The log: 30 iterations in order, then the `saved` row.
            let rows = try LogRow.read(dir.appendingPathComponent("out.csv").path)
            try #require(rows.count == 31, "log has \(rows.count) data rows")
            #expect(rows.dropLast().map(\.iteration) == (1...30).map(String.init))
            #expect(rows.last?.iteration == "saved")
            #expect(rows.allSatisfy { $0.total.isFinite && $0.total > 0 })
            #expect(rows.dropLast().allSatisfy { $0.scale == 1 && $0.side == 64 })
            // A rejected trial is one whose value rose above the last accepted value.
            var accepted = rows[0].total
            for row in rows.dropFirst().dropLast() {
                #expect(row.rejected ? row.total >= accepted : row.total <= accepted,
                        "iteration \(row.iteration) (rejected \(row.rejected)): \(row.total) after \(accepted)")
                if !row.rejected { accepted = row.total }
            }
            #expect(rows.dropLast().allSatisfy { abs($0.content + $0.style + $0.tv - $0.total) <= 1e-3 * $0.total },
                    "total is not content + style + tv")
            #expect(zip(rows.dropLast().dropLast(), rows.dropLast().dropFirst()).allSatisfy { $0.elapsed <= $1.elapsed })
            let first = rows[0].total, last = rows[29].total, saved = rows[30].total
            // Measured: 6.39e8 → 3.28e7 (19.5x) with seed 3.
            #expect(first / last >= 5, "loss fell only \(first / last)x: \(first) → \(last)")
            // Rounding to 8 bits barely changes the objective.
            #expect(abs(saved - last) <= 0.05 * last, "saved \(saved) vs last iteration \(last)")

            // The image: 64×64 (astronaut is square), not the content photo, not flat.
            let out = try PNGImage(contentsOf: dir.appendingPathComponent("tmp/out.png").path)
            #expect(out.width == 64 && out.height == 64)
            let content = try PNGImage(contentsOf: CLIPaths.astronaut)
            let diff = meanAbsDifference(out, boxDownsampled(content, to: 64))
            let spread = standardDeviation(out.rgb)
            // Measured: mean |Δ| 82.7 levels from the content, standard deviation 61.9.
            #expect(diff > 30, "output is too close to the content photo: mean |Δ| \(diff)")
            #expect(spread > 10, "output is nearly flat: standard deviation \(spread)")

            // The text metadata that makes a result reproducible.
            #expect(out.text["pincel-seed"] == "3", "text chunks: \(out.text)")
            #expect(out.text["Software"]?.hasPrefix("Pincel ") == true)
            let command = out.text["pincel-command"] ?? ""
            #expect(command.hasPrefix("pincel ") && command.contains("--seed 3") && command.contains("--size 64"), "\(command)")
            let raw = try Data(contentsOf: dir.appendingPathComponent("tmp/out.png"))
            #expect(raw.range(of: Data("pincel-seed".utf8)) != nil)
        }
    }

    /// `pincel evaluate` on a transfer's output prints the objective the transfer reported "as saved".
    @Test func evaluatePrintsTheTransfersSavedObjective() throws {
        try withTemporaryDirectory { dir in
            let pair = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "48"]
            let r = try runPincel(pair + ["--iterations", "6", "--seed", "2", "--output", "out.png"], in: dir, timeout: 180)
            #expect(r.status == 0, "\(r.summary)")
            let saved = r.stderr.components(separatedBy: "as saved (8-bit) ").dropFirst().first?
                .split(whereSeparator: { $0 == ";" || $0 == "\n" }).first.map(String.init)
            let e = try runPincel(["evaluate"] + pair + ["--image", "out.png"], in: dir, timeout: 120)
            #expect(e.status == 0, "\(e.summary)")
            let total = e.stdout.components(separatedBy: "total ").dropFirst().first?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(saved != nil && total == saved, "transfer: \(saved ?? "none"), evaluate: \(e.stdout)")
            // An image of another size is refused with one line.
            let wrong = try runPincel(["evaluate"] + pair.dropLast() + ["64", "--image", "out.png"], in: dir, timeout: 120)
            #expect(wrong.status != 0 && !wrong.looksLikeCrash && wrong.stderr.contains("--image"), "\(wrong.summary)")
        }
    }

    /// Same seed and arguments (run in two folders, so even the recorded command is equal) → same bytes.
    @Test func sameSeedGivesIdenticalFiles() throws {
        let args = ["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "32",
                    "--iterations", "4", "--seed", "11", "--quiet", "--output", "same.png"]
        let files = try (0..<2).map { _ in
            try withTemporaryDirectory { dir -> Data in
                let r = try runPincel(args, in: dir, timeout: 120)
                #expect(r.status == 0, "\(r.summary)")
                #expect(r.stderr.isEmpty, "--quiet printed: \(r.stderr)")
                return try Data(contentsOf: dir.appendingPathComponent("same.png"))
            }
        }
        #expect(files[0].count > 500)
        #expect(files[0] == files[1], "two runs with --seed 11 wrote different files")
    }

    /// SIGINT and SIGTERM end the run after the current iteration, save the image, log it and exit 130.
    @Test(arguments: [SIGINT, SIGTERM])
    func signalSavesCurrentImageAndExits130(_ signal: Int32) throws {
        try withTemporaryDirectory { dir in
            let run = try RunningPincel(["--content", CLIPaths.astronaut, "--style", CLIPaths.starryNight, "--size", "64",
                                         "--iterations", "5000", "--seed", "5", "--tolerance", "0", "--log", "run.csv", "--output", "out.png"],
                                        in: dir)
            let log = dir.appendingPathComponent("run.csv").path
            let deadline = Date().addingTimeInterval(90)
            var dataRows = 0
            while Date() < deadline, run.process.isRunning {
                dataRows = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
                if dataRows >= 2 { break }
                usleep(50_000)
            }
            if dataRows < 2 {
                kill(run.pid, SIGKILL)
                let r = try run.wait(timeout: 10)
                Issue.record("the log never reached 2 rows: \(r.summary)")
                return
            }
            kill(run.pid, signal)
            let r = try run.wait(timeout: 60)
            #expect(r.status == 130 && !r.killedBySignal, "\(r.summary)")
            #expect(!r.looksLikeCrash, "\(r.summary)")
            #expect(r.stdout == "out.png\n", "stdout: \(r.stdout)")
            let rows = try LogRow.read(log)
            #expect(rows.last?.iteration == "interrupted", "last row: \(String(describing: rows.last?.iteration))")
            #expect(rows.count >= 3 && rows.count < 100, "stopped after \(rows.count - 1) iterations")
            let out = try PNGImage(contentsOf: dir.appendingPathComponent("out.png").path)
            #expect(out.width == 64 && out.height == 64)
            #expect(out.text["pincel-seed"] == "5")
        }
    }
}

/// The mean of each `factor`×`factor` block, for an image whose sides are multiples of the target.
func boxDownsampled(_ image: PNGImage, to side: Int) -> PNGImage.Pixels {
    let fx = image.width / side, fy = image.height / side
    var out = [Double](repeating: 0, count: side * side * 3)
    for y in 0..<side { for x in 0..<side { for c in 0..<3 {
        var s = 0
        for dy in 0..<fy { for dx in 0..<fx { s += image.value(x: x * fx + dx, y: y * fy + dy, channel: c) } }
        out[(y * side + x) * 3 + c] = Double(s) / Double(fx * fy)
    } } }
    return PNGImage.Pixels(width: side, height: side, rgb: out)
}

func meanAbsDifference(_ a: PNGImage, _ b: PNGImage.Pixels) -> Double {
    guard a.width == b.width, a.height == b.height else { return .infinity }
    var s = 0.0
    for i in 0..<a.rgb.count { s += abs(Double(a.rgb[i]) - b.rgb[i]) }
    return s / Double(a.rgb.count)
}

func standardDeviation(_ values: [UInt8]) -> Double {
    let n = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / n
    return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
}

extension PNGImage {
    /// Floating-point RGB pixels (interleaved), e.g. a downsampled reference.
    struct Pixels {
        let width: Int
        let height: Int
        let rgb: [Double]
    }
}

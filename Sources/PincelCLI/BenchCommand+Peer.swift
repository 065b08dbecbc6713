import ArgumentParser
import Foundation
import Pincel

/// What `scripts/instant_peer.py` prints (one JSON line).
struct InstantPeerReport: Decodable {
    var onnxruntime: String
    var predictor_ms: Double
    var transformer_ms: Double
    var output_mean: Double
}

extension BenchCommand {
    static let peerScript = "scripts/instant_peer.py"
    static let peerSide = 384

    /// Pincel and onnxruntime on the same 384x384 input and 256x256 painting, in this run:
    /// Pincel's transformer timed before and after the peer (the median of both rounds), so a
    /// machine that slows down in between weighs on both.
    func runPeer(python: String, stylizer: InstantStylizer, threads: Int) throws {
        guard FileManager.default.fileExists(atPath: Self.peerScript) else {
            throw ValidationError.oneLine("--peer: \(Self.peerScript) not found; run from the repository root")
        }
        let side = Self.peerSide
        let photo = Self.pattern(side: side, phase: 2), painting = Self.pattern(side: InstantStylizer.styleSide, phase: 1)
        let folder = try TemporaryFolderForPeer()
        defer { folder.remove() }
        let content = folder.path + "/content.f32", style = folder.path + "/style.f32"
        try Self.interleavedBytes(photo).write(to: URL(fileURLWithPath: content))
        try Self.interleavedBytes(painting).write(to: URL(fileURLWithPath: style))

        let (predictorMs, vector) = try medianMs { try stylizer.styleVector(of: painting) }
        var times: [Double] = []
        var output = photo
        for _ in 0 ..< 2 {
            if !times.isEmpty { _ = try runPeerProcess(python, content: content, style: style, threads: threads) }
            let (ms, out) = try medianMs { try stylizer.stylize(photo, style: vector) }
            times.append(ms)
            output = out
        }
        let report = try runPeerProcess(python, content: content, style: style, threads: threads)
        let pincelMs = Self.median(times)
        let mean = Double(output.data.reduce(0, +)) / Double(output.data.count) / 255
        emit("# \(side)x\(side) photo, 256x256 painting; onnxruntime \(report.onnxruntime) runs the models as shipped")
        emit("# (int8 QDQ, default optimisations), intra_op_num_threads=\(threads); Pincel's float graph")
        emit("part         pincel_ms  onnxruntime_ms  pincel/onnxruntime")
        emit(String(format: "predictor    %9.1f  %14.1f  %18.2f", predictorMs, report.predictor_ms, predictorMs / report.predictor_ms))
        emit(String(format: "transformer  %9.1f  %14.1f  %18.2f", pincelMs, report.transformer_ms, pincelMs / report.transformer_ms))
        emit(String(format: "# output mean: pincel %.4f, onnxruntime %.4f", mean, report.output_mean))
    }

    private func runPeerProcess(_ python: String, content: String, style: String, threads: Int) throws -> InstantPeerReport {
        let models = try InstantModelLocator.resolve(explicit: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.peerScript, "--models", (models.transformer as NSString).deletingLastPathComponent,
                             "--content", content, "--style", style, "--side", String(Self.peerSide),
                             "--threads", String(threads), "--repetitions", String(repetitions)]
        // stderr to a file: a pipe nobody reads while stdout is drained could fill and block the peer.
        let errPath = (content as NSString).deletingLastPathComponent + "/peer.err"
        guard FileManager.default.createFile(atPath: errPath, contents: nil) else {
            throw PeerFailure(text: OneLine.sanitize("the onnxruntime peer's log \(errPath) cannot be written"))
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        do { try process.run() } catch {
            throw ValidationError.oneLine("--peer \(python): cannot run it (\(error.localizedDescription))")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        let lastLine = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard process.terminationStatus == 0,
              let line = String(decoding: stdout, as: UTF8.self).split(separator: "\n").last,
              let report = try? JSONDecoder().decode(InstantPeerReport.self, from: Data(line.utf8)) else {
            throw PeerFailure(text: OneLine.sanitize("the onnxruntime peer failed (exit \(process.terminationStatus)): \(lastLine)"))
        }
        return report
    }
}

struct PeerFailure: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}

/// A fresh folder for the peer's input files, removed afterwards.
struct TemporaryFolderForPeer {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "pincel-peer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

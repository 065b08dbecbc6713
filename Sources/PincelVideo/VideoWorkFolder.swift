import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The folder where a video transfer keeps its state, so a rerun continues where the last
/// one stopped:
///
/// - `settings.txt`: a fingerprint of the input and settings, and the seed; a rerun with other
///   settings is refused instead of mixing frames.
/// - `frames/000000.png…`: the input frames, decoded and sized (written to `frames.partial/`
///   and renamed when ffmpeg finishes).
/// - `flow/000001.flo…`: the backward and forward flows between frame t−1 and t
///   (`000009-4.flo`: between frame 5 and 9, for a long-term term).
/// - `styled/000000.png…`: the finished frames, each written atomically.
///
/// Every file is written to a temporary name and renamed, so an interruption leaves only
/// whole files.
struct VideoWorkFolder {
    let path: String

    var framesFolder: String { path + "/frames" }
    var styledFolder: String { path + "/styled" }
    var flowFolder: String { path + "/flow" }
    var settingsFile: String { path + "/settings.txt" }

    static func name(_ index: Int) -> String { String(format: "%06d", index) }
    func frame(_ i: Int) -> String { framesFolder + "/" + Self.name(i) + ".png" }
    func styled(_ i: Int) -> String { styledFolder + "/" + Self.name(i) + ".png" }
    /// The flows between frame `i` and frame `i − offset` (offsets above 1: long-term terms).
    func flow(_ i: Int, offset: Int = 1) -> String {
        flowFolder + "/" + Self.name(i) + (offset == 1 ? "" : "-\(offset)") + ".flo"
    }

    /// Opens (making it when needed) the folder for `fingerprint`; returns the seed stored
    /// there, or stores `seed` in a new folder.
    ///
    /// - Throws: ``VideoError/workFolderMismatch(path:)`` when it holds another fingerprint.
    func open(fingerprint: String, seed: UInt64) throws -> UInt64 {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            for folder in [styledFolder, flowFolder] { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        } catch {
            throw VideoError.workFolder(path: path, reason: "cannot create it (\(error.localizedDescription))")
        }
        if let text = try? String(contentsOfFile: settingsFile, encoding: .utf8) {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count >= 2, lines[0].hasPrefix("seed "), let stored = UInt64(lines[0].dropFirst(5)) else {
                throw VideoError.workFolderMismatch(path: path)
            }
            lines.removeFirst()
            guard lines.joined(separator: "\n") == fingerprint else { throw VideoError.workFolderMismatch(path: path) }
            return stored
        }
        if let leftovers = try? fm.contentsOfDirectory(atPath: styledFolder), leftovers.contains(where: { $0.hasSuffix(".png") }) {
            throw VideoError.workFolderMismatch(path: path)  // frames without settings: not ours
        }
        try write(Data("seed \(seed)\n\(fingerprint)".utf8), to: settingsFile)
        return seed
    }

    /// Writes `data` to `target` atomically (temporary file, flush, rename).
    func write(_ data: Data, to target: String) throws {
        let temporary = target + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw VideoError.workFolder(path: path, reason: "cannot write \(OutputCheck.split(target).name)")
        }
        do { try AtomicRename.commit(temporary, to: target) } catch {
            unlink(temporary)
            throw VideoError.workFolder(path: path, reason: "\(error)")
        }
    }

    /// The finished frames `0..<count` that exist, in order, up to the first missing one.
    func finishedPrefix(count: Int) -> Int {
        var i = 0
        while i < count, FileManager.default.fileExists(atPath: styled(i)) { i += 1 }
        return i
    }

    // MARK: Flow files (Middlebury .flo: "PIEH", width, height, then dx, dy interleaved;
    // here two fields back to back: backward (t → t−1), then forward (t−1 → t)).

    func saveFlows(_ backward: FlowField, _ forward: FlowField, index: Int, offset: Int = 1) throws {
        var data = Data()
        for field in [backward, forward] {
            data.append(contentsOf: Array("PIEH".utf8))
            for v in [Int32(field.width), Int32(field.height)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
            var interleaved = [Float](repeating: 0, count: 2 * field.dx.count)
            for i in 0..<field.dx.count { interleaved[2 * i] = field.dx[i]; interleaved[2 * i + 1] = field.dy[i] }
            interleaved.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try write(data, to: flow(index, offset: offset))
    }

    /// The two flows of frame `index`, or `nil` when the file is missing or does not hold two
    /// `width` x `height` fields (then they are computed again).
    func loadFlows(index: Int, offset: Int = 1, width: Int, height: Int) -> (backward: FlowField, forward: FlowField)? {
        guard let data = FileManager.default.contents(atPath: flow(index, offset: offset)) else { return nil }
        let fieldBytes = 12 + 8 * width * height
        guard data.count == 2 * fieldBytes else { return nil }
        var fields: [FlowField] = []
        for k in 0..<2 {
            let start = k * fieldBytes
            guard data[start..<(start + 4)] == Data("PIEH".utf8) else { return nil }
            let header = data[(start + 4)..<(start + 12)].withUnsafeBytes { raw in
                (Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)),
                 Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: Int32.self)))
            }
            guard header.0 == width, header.1 == height else { return nil }
            var dx = [Float](repeating: 0, count: width * height), dy = dx
            data[(start + 12)..<(start + fieldBytes)].withUnsafeBytes { raw in
                for i in 0..<(width * height) {
                    dx[i] = raw.loadUnaligned(fromByteOffset: 8 * i, as: Float.self)
                    dy[i] = raw.loadUnaligned(fromByteOffset: 8 * i + 4, as: Float.self)
                }
            }
            guard dx.allSatisfy(\.isFinite), dy.allSatisfy(\.isFinite),
                  let field = try? FlowField(width: width, height: height, dx: dx, dy: dy) else { return nil }
            fields.append(field)
        }
        return (fields[0], fields[1])
    }
}

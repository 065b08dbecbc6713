import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The work folder belongs to Pincel: Pincel only ever deletes what it wrote.
///
/// A work folder is new (Pincel creates it), empty, or one an earlier run marked with
/// `pincel-work.txt`; a folder holding anything else, a folder that holds the input or the
/// output, or a path that is a file is refused before any work. At the end only files of
/// Pincel's names are deleted there, then the folders emptied that way (`rmdir`, never
/// recursively); the work folder itself only when Pincel created it.
extension VideoWorkFolder {
    /// What the marker file records.
    struct Marker: Equatable {
        static let title = "pincel video work folder"
        /// Whether Pincel created the folder (then it removes it when it is left empty).
        var madeByPincel: Bool
        var seed: UInt64
        var fingerprint: String

        var text: String { "\(Self.title)\nmade-by-pincel \(madeByPincel ? "yes" : "no")\nseed \(seed)\n\(fingerprint)" }

        /// Parses a marker's text; `nil` when it is not one.
        init?(text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count >= 4, lines[0] == Self.title, ["made-by-pincel yes", "made-by-pincel no"].contains(lines[1]),
                  lines[2].hasPrefix("seed "), let seed = UInt64(lines[2].dropFirst(5)) else { return nil }
            self.init(madeByPincel: lines[1].hasSuffix("yes"), seed: seed, fingerprint: lines[3...].joined(separator: "\n"))
        }

        init(madeByPincel: Bool, seed: UInt64, fingerprint: String) {
            self.madeByPincel = madeByPincel
            self.seed = seed
            self.fingerprint = fingerprint
        }
    }

    /// What is at the folder's path.
    enum State: Equatable {
        case absent
        case empty
        /// An earlier run's folder (files added since are left alone).
        case ours(Marker)
        /// A folder with other files and no marker: its first few names, sorted.
        case foreign([String])
        case notAFolder(FileKind)
    }

    func state() throws -> State {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return .absent }
            throw VideoError.workFolder(path: shownAs, reason: String(cString: strerror(errno)))
        }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .folder else { return .notAFolder(kind) }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw VideoError.workFolder(path: shownAs, reason: "cannot list it (\(error.localizedDescription))")
        }
        if names.isEmpty { return .empty }
        if let marker = readMarker() { return .ours(marker) }
        return .foreign(Array(names.sorted().prefix(3)))
    }

    /// The marker, when the folder holds one (a regular file of at most 1 MB that parses).
    func readMarker() -> Marker? {
        var info = stat()
        guard lstat(markerFile, &info) == 0, FileKind(mode: info.st_mode) == .regularFile, info.st_size < 1 << 20,
              let data = FileManager.default.contents(atPath: markerFile) else { return nil }
        return Marker(text: String(decoding: data, as: UTF8.self))
    }

    static func foreignReason(_ names: [String]) -> String {
        let shown = names.map { "'\($0)'" }.joined(separator: ", ")
        return "it holds files Pincel did not write (\(shown)\(names.count >= 3 ? ", …" : "")); "
            + "Pincel deletes its work folder's files at the end, so give a new or empty folder"
    }

    /// Checks, without writing anything, that this folder may be the work folder of a run that
    /// reads `input` and writes `output` (absolute paths): it does not hold either of them
    /// (by any spelling, links followed), and it is new, empty or an earlier run's.
    /// - Throws: ``VideoError/workFolderRefused(path:reason:)``.
    /// `shown` names the input and the output in messages (as the user gave them).
    func checkUse(input: String, output: String, shown: (input: String, output: String)? = nil) throws {
        let folder = ResolvedPath.of(path)
        let files = [("input", input, shown?.input ?? input), ("output", output, shown?.output ?? output)]
        for (role, file, name) in files where ResolvedPath.isInside(ResolvedPath.of(file), folder) {
            throw VideoError.workFolderRefused(path: shownAs, reason: "it holds the \(role) \(name); give the work folder a place of its own")
        }
        switch try state() {
        case .absent, .empty, .ours: return
        case .foreign(let names): throw VideoError.workFolderRefused(path: shownAs, reason: Self.foreignReason(names))
        case .notAFolder(let kind): throw VideoError.workFolderRefused(path: shownAs, reason: "it is \(kind), not a folder")
        }
    }

    /// Deletes what Pincel wrote here (files of its own names only), removes the subfolders so
    /// emptied, then the marker, and the folder itself when Pincel created it and it is empty.
    /// A file anything else put here stays, and so do the folders that hold it.
    func removeOwnFiles() {
        let madeByPincel = readMarker()?.madeByPincel ?? false
        for folder in [framesFolder, partialFramesFolder, styledFolder] {
            removeFiles(in: folder) { Self.isFrameName($0) || Self.isImageTemporaryName($0) }
        }
        removeFiles(in: flowFolder) { Self.isFlowName($0) || ($0.hasSuffix(".partial") && Self.isFlowName(String($0.dropLast(8)))) }
        removeFiles(in: path) { $0 == Self.markerName || $0 == Self.markerName + ".partial" }
        if madeByPincel { rmdir(path) }
    }

    /// Empties and removes `frames.partial/` (an interrupted decode's), its frames only.
    func removePartialFrames() {
        removeFiles(in: partialFramesFolder) { Self.isFrameName($0) || Self.isImageTemporaryName($0) }
    }

    /// Unlinks the regular files of `folder` whose names `isOurs` accepts, then removes the
    /// folder if that left it empty (and it is not the work folder itself).
    private func removeFiles(in folder: String, where isOurs: (String) -> Bool) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where isOurs(name) {
            var info = stat()
            let file = folder + "/" + name
            if lstat(file, &info) == 0, FileKind(mode: info.st_mode) == .regularFile { unlink(file) }
        }
        if folder != path { rmdir(folder) }
    }

    // MARK: Pincel's file names

    /// `000123.png`: six or more digits (a frame of `frames/`, `frames.partial/`, `styled/`).
    static func isFrameName(_ name: String) -> Bool {
        guard name.hasSuffix(".png") else { return false }
        return isIndex(name.dropLast(4))
    }

    /// `000123.flo` or `000123-4.flo`.
    static func isFlowName(_ name: String) -> Bool {
        guard name.hasSuffix(".flo") else { return false }
        let stem = name.dropLast(4)
        let parts = stem.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        return isIndex(parts[0]) && (parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit)))
    }

    /// `.000123.png.tmp-<pid>-<8 hex>.png`: an image save's temporary file
    /// (`OutputCheck.temporaryPath`), left by a run killed while saving.
    static func isImageTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".png") else { return false }
        let inner = name.dropFirst().dropLast(4)  // 000123.png.tmp-<pid>-<hex>
        guard let tag = inner.range(of: ".tmp-") else { return false }
        let parts = inner[tag.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        return isFrameName(String(inner[..<tag.lowerBound])) && parts.count == 2 && !parts[0].isEmpty
            && parts[0].allSatisfy(\.isASCIIDigit) && parts[1].count == 8 && parts[1].allSatisfy(\.isHexDigit)
    }

    private static func isIndex(_ text: Substring) -> Bool { text.count >= 6 && text.allSatisfy(\.isASCIIDigit) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

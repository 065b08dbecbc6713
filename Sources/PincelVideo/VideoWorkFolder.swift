import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The folder where a video transfer keeps its state, so a rerun continues where the last
/// one stopped:
///
/// - `pincel-work.txt`: the marker that says Pincel made this folder's contents: whether
///   Pincel created the folder itself, the seed, and a fingerprint of the input and settings
///   (a rerun with other settings is refused instead of mixing frames).
/// - `frames/000000.png…`: the input frames, decoded and sized (written to `frames.partial/`
///   and renamed when ffmpeg finishes).
/// - `flow/000001.flo…`: the backward and forward flows between frame t−1 and t
///   (`000009-4.flo`: between frame 5 and 9, for a long-term term).
/// - `styled/000000.png…`: the finished frames, each written atomically.
///
/// Every file is written to a temporary name and renamed, so an interruption leaves only
/// whole files. The folder belongs to Pincel (see `VideoWorkFolder+Ownership.swift`): it is
/// new, empty, or marked by an earlier run; at the end only the files of the names above are
/// deleted, and the folder itself only when Pincel created it and nothing else is left in it.
struct VideoWorkFolder {
    /// The folder, absolute.
    let path: String
    /// The folder as the user named it, for messages.
    let shownAs: String

    init(path: String, shownAs: String? = nil) {
        self.path = path
        self.shownAs = shownAs ?? path
    }

    static let markerName = "pincel-work.txt"
    var markerFile: String { path + "/" + Self.markerName }
    var framesFolder: String { path + "/frames" }
    var partialFramesFolder: String { path + "/frames.partial" }
    var styledFolder: String { path + "/styled" }
    var flowFolder: String { path + "/flow" }

    static func name(_ index: Int) -> String { String(format: "%06d", index) }
    func frame(_ i: Int) -> String { framesFolder + "/" + Self.name(i) + ".png" }
    func styled(_ i: Int) -> String { styledFolder + "/" + Self.name(i) + ".png" }
    /// The flows between frame `i` and frame `i − offset` (offsets above 1: long-term terms).
    func flow(_ i: Int, offset: Int = 1) -> String {
        flowFolder + "/" + Self.name(i) + (offset == 1 ? "" : "-\(offset)") + ".flo"
    }

    /// Opens the folder for `fingerprint`, making it when it does not exist; returns the seed
    /// stored there, or stores `seed` in a new (or empty) folder.
    ///
    /// - Throws: ``VideoError/workFolderMismatch(path:)`` when it holds another fingerprint,
    ///   ``VideoError/workFolderRefused(path:reason:)`` when it holds files Pincel did not
    ///   write or is no folder, ``VideoError/workFolder(path:reason:)`` when it cannot be made.
    func open(fingerprint: String, seed: UInt64) throws -> UInt64 {
        let madeHere: Bool
        switch try state() {
        case .ours(let marker):
            guard marker.fingerprint == fingerprint else { throw VideoError.workFolderMismatch(path: shownAs) }
            try makeSubfolders()
            return marker.seed
        case .foreign(let names):
            throw VideoError.workFolderRefused(path: shownAs, reason: Self.foreignReason(names))
        case .notAFolder(let kind):
            throw VideoError.workFolderRefused(path: shownAs, reason: "it is \(kind), not a folder")
        case .empty:
            madeHere = false
        case .absent:
            try create()
            madeHere = true
        }
        let marker = Marker(madeByPincel: madeHere, seed: seed, fingerprint: fingerprint)
        try write(Data(marker.text.utf8), to: markerFile)
        try makeSubfolders()
        return seed
    }

    /// Makes the folder (and any missing folders above it).
    private func create() throws {
        if mkdir(path, 0o777) == 0 { return }
        var code = errno
        if code == ENOENT {
            let parent = OutputCheck.split(path).folder
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if mkdir(path, 0o777) == 0 { return }
            code = errno
        }
        throw VideoError.workFolder(path: shownAs, reason: "cannot create it (\(String(cString: strerror(code))))")
    }

    private func makeSubfolders() throws {
        for folder in [styledFolder, flowFolder] where mkdir(folder, 0o777) != 0 && errno != EEXIST {
            throw VideoError.workFolder(path: shownAs, reason: "cannot create \(OutputCheck.split(folder).name) (\(String(cString: strerror(errno))))")
        }
    }

    /// Writes `data` to `target` atomically (`target.partial`, created here, flushed, renamed).
    func write(_ data: Data, to target: String) throws {
        let partial = target + ".partial"
        unlink(partial)  // a name of Pincel's own, left by an interrupted run
        do {
            let temporary = try OwnedTemporaryFile(exactly: partial)
            defer { temporary.remove() }  // after the rename the name is free: nothing is removed
            try temporary.write(data)
            temporary.close()
            try AtomicRename.commit(partial, to: target)
        } catch {
            throw VideoError.workFolder(path: shownAs, reason: "cannot write \(OutputCheck.split(target).name) (\(error))")
        }
    }

    /// The finished frames `0..<count` that exist, in order, up to the first missing one.
    func finishedPrefix(count: Int) -> Int {
        var i = 0
        while i < count, FileManager.default.fileExists(atPath: styled(i)) { i += 1 }
        return i
    }
}

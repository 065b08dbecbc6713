import ArgumentParser
import Foundation
import Pincel

/// Everything a run will write, checked before any work (exit 64 on a refusal): each path can
/// be written (`OutputCheck`), and no output names the same file as an input or as another
/// output, whatever the spelling (`./`, `..`, symbolic or hard links). Files are compared by
/// device and inode when they exist and by resolved folder + name when they do not yet.
struct OutputPreflight {
    /// The files the run reads, by flag (images, the weights).
    var inputs: [(flag: String, path: String)]
    /// Images written by atomic rename (`--output`), by flag.
    var images: [(flag: String, path: String)] = []
    /// `--log`, written in place.
    var log: String?
    /// `--save-every`: intermediate images `<output stem>-NNNNN.<ext>` at these iterations.
    var intermediates: (output: String, every: Int, total: Int)?
    /// `--keep-tiles`: a folder of `NN-caption.png` tiles, created if missing.
    var tilesFolder: String?

    /// The weights file the run will read (`--weights`, `$PINCEL_WEIGHTS` or the cache), as an input.
    static func weightsFile(_ explicit: String?) -> [(flag: String, path: String)] {
        guard let path = try? WeightsLocator.resolve(explicit: explicit) else { return [] }
        return [(explicit == nil ? "the weights file" : "--weights", path)]
    }

    func check() throws {
        for (flag, path) in images { try writable(flag, path, .replacedAtomically) }
        if let log { try writable("--log", log, .writtenInPlace) }
        if let (output, every, total) = intermediates, every > 0, every < total {
            // The longest name is the last one; if it fits, all do.
            let last = (total - 1) / every * every
            try writable("--save-every", TransferCommand.intermediatePath(output, iteration: last), .replacedAtomically)
        }
        if let tilesFolder { try checkTilesFolder(tilesFolder) }
        try checkCollisions()
    }

    private func writable(_ flag: String, _ path: String, _ mode: OutputCheck.Mode) throws {
        do { try OutputCheck.check(path, mode: mode) } catch {
            throw ValidationError.oneLine("\(flag) \(error)")
        }
    }

    private func checkCollisions() throws {
        let inputIDs = inputs.compactMap { input in FileIdentity(path: input.path).map { (input, $0) } }
        func inputNamed(by path: String) -> (flag: String, path: String)? {
            guard let id = FileIdentity(path: path) else { return nil }
            return inputIDs.first { $0.1 == id }?.0
        }
        func refuse(_ flag: String, _ path: String, _ other: String) -> ValidationError {
            ValidationError.oneLine("\(flag) \(path) is the same file as \(other); writing it would replace that file. Give another name.")
        }
        var outputs = images
        if let log { outputs.append(("--log", log)) }
        for (flag, path) in outputs {
            if let input = inputNamed(by: path) { throw refuse(flag, path, "\(input.flag) \(input.path)") }
        }
        if let log {
            for (flag, path) in images where Self.sameFile(log, path) {
                throw refuse("--log", log, "\(flag) \(path)")
            }
        }
        if let (output, every, total) = intermediates, every > 0 {
            let (folder, _) = Self.split(output)
            for name in Self.entries(of: folder) where Self.isIntermediate(name, of: output, every: every, total: total) {
                let path = (folder as NSString).appendingPathComponent(name)
                if let input = inputNamed(by: path) { throw refuse("--save-every", path, "\(input.flag) \(input.path)") }
            }
            if let log, Self.canonical(Self.split(log).folder) == Self.canonical(folder),
               Self.isIntermediate(Self.split(log).name, of: output, every: every, total: total) {
                throw refuse("--log", log, "an intermediate image of --save-every")
            }
        }
        if let tilesFolder {
            for name in Self.entries(of: tilesFolder) where Self.isTileName(name) {
                let path = (tilesFolder as NSString).appendingPathComponent(name)
                if let input = inputNamed(by: path) { throw refuse("--keep-tiles", path, "\(input.flag) \(input.path)") }
            }
        }
    }

    /// The tiles folder, or (when missing) the nearest existing folder above it, takes new files.
    private func checkTilesFolder(_ folder: String) throws {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ValidationError.oneLine("--keep-tiles \(folder) is a file; give a folder")
            }
            try writable("--keep-tiles", (folder as NSString).appendingPathComponent("01-tile.png"), .replacedAtomically)
            return
        }
        var above = Self.split(folder).folder
        while stat(above, &info) != 0, above != "/", above != "." { above = Self.split(above).folder }
        do { try OutputCheck.check((above as NSString).appendingPathComponent("pincel-tiles.png"), mode: .replacedAtomically) } catch {
            throw ValidationError.oneLine("--keep-tiles \(folder): cannot be created (\(above) does not take new files)")
        }
    }

    // MARK: - Paths

    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    /// The folder with every symbolic link and `.`/`..` resolved, or the spelling as given.
    static func canonical(_ folder: String) -> String {
        guard let resolved = realpath(folder, nil) else { return folder }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when the two paths name the same file: same inode if both exist, else the same
    /// resolved folder and name.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        if let x = FileIdentity(path: a), let y = FileIdentity(path: b) { return x == y }
        let (fa, na) = split(a), (fb, nb) = split(b)
        return na == nb && canonical(fa) == canonical(fb)
    }

    static func entries(of folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }

    /// `name` is `<stem>-NNNNN.<ext>` of `output` for an iteration the run saves.
    static func isIntermediate(_ name: String, of output: String, every: Int, total: Int) -> Bool {
        let ns = split(output).name as NSString
        let prefix = ns.deletingPathExtension + "-", suffix = "." + ns.pathExtension
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return false }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let k = Int(digits) else { return false }
        return k > 0 && k < total && k % every == 0 && String(format: "%05d", k) == digits
    }

    /// `NN-caption.png`, the names `FigureCommandRunner.tileName` makes.
    static func isTileName(_ name: String) -> Bool {
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        return digits.count >= 2 && name.dropFirst(digits.count).hasPrefix("-") && name.hasSuffix(".png")
    }
}

import PincelCore
import Foundation

/// Checks, before any work, that an output path can be written, and the hidden temporary
/// names the atomic image save uses.
package enum OutputCheck {
    /// How the file at the path will be written.
    package enum Mode: Sendable {
        /// A new file renamed over the path (image saves): the folder must take a new file;
        /// an existing file there is replaced, not opened.
        case replacedAtomically
        /// Opened and truncated in place (logs): an existing character device or FIFO with a
        /// reader (`/dev/stdout`, `>(tee …)`) is accepted.
        case writtenInPlace
    }

    /// Checks that `path` can be written in `mode`: it has a file name that fits the folder's
    /// NAME_MAX, is not a folder, its folder exists, and the folder takes a new file (a
    /// temporary file is created and removed there: as root `access()` would say yes to a
    /// folder that cannot be written). - Throws: `ImageError.outputNotWritable`.
    package static func check(_ path: String, mode: Mode) throws {
        let (folder, name) = split(path)
        func refuse(_ reason: String) -> ImageError { .outputNotWritable(path: path, reason: reason) }
        var info = stat()
        let exists = stat(path, &info) == 0
        let kind = exists ? FileKind(mode: info.st_mode) : nil
        if kind == .folder { throw refuse("it is a folder; give a file name") }
        guard !name.isEmpty, name != ".", name != ".." else { throw refuse("no file name") }
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else {
            throw refuse("the output folder \(folder) \(errno == ENOENT ? "does not exist" : String(cString: strerror(errno)))")
        }
        guard FileKind(mode: folderInfo.st_mode) == .folder else { throw refuse("\(folder) is not a folder") }
        let limit = nameLimit(folder: folder)
        guard name.utf8.count <= limit else {
            throw refuse("the file name is \(name.utf8.count) bytes, the limit is \(limit)")
        }
        switch mode {
        case .replacedAtomically:
            if let kind, kind != .regularFile { throw refuse("it is \(kind); give a file name") }
            try probeNewFile(temporaryPath(for: path), reason: refuse)
        case .writtenInPlace:
            guard let kind else {
                try probeNewFile(temporaryPath(for: path), reason: refuse)
                return
            }
            guard kind == .regularFile || kind == .characterDevice || kind == .namedPipe else {
                throw refuse("it is \(kind)")
            }
            // Open without truncating, then close: the real test, for root too. A FIFO nobody
            // reads from fails here (ENXIO) instead of blocking the run.
            let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                throw refuse(errno == ENXIO ? "no process is reading from it" : String(cString: strerror(errno)))
            }
            close(fd)
        }
    }

    /// Creates and removes `probe` (O_EXCL) so the folder is known to take a new file.
    private static func probeNewFile(_ probe: String, reason: (String) -> ImageError) throws {
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw reason("cannot create a file in its folder: \(String(cString: strerror(errno)))")
        }
        close(fd)
        unlink(probe)
    }

    /// (folder, name) of a path; the folder is "." for a bare name and "/" for "/name".
    /// (Not NSString.deletingLastPathComponent, which traps on some short paths.)
    package static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    /// The longest file name the folder accepts (NAME_MAX), 255 when it cannot be asked.
    static func nameLimit(folder: String) -> Int {
        let limit = pathconf(folder, Int32(_PC_NAME_MAX))
        return limit > 0 ? min(limit, 4096) : 255
    }

    /// A hidden temporary name in the folder of `path`, unique to this process and call, that
    /// always fits NAME_MAX: `.<name, shortened if needed>.tmp-<pid>-<random>.<extension>`.
    package static func temporaryPath(for path: String) -> String {
        let (folder, name) = split(path)
        let ext = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? ""
        let dottedExt = ext.isEmpty || ext.utf8.count > 16 ? "" : "." + ext
        let tag = String(format: ".tmp-%d-%08x", Int(getpid()), UInt32.random(in: 0...UInt32.max)) + dottedExt
        let budget = max(0, min(nameLimit(folder: folder), 255) - 1 - tag.utf8.count)
        var kept = ""
        var used = 0
        for scalar in name.unicodeScalars {
            let bytes = String(scalar).utf8.count
            if used + bytes > budget { break }
            kept.unicodeScalars.append(scalar)
            used += bytes
        }
        return (folder == "/" ? "/" : folder + "/") + "." + kept + tag
    }
}

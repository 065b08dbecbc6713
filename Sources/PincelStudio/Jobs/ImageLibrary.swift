import Foundation
import Pincel

/// The images a job may use: the examples folder (read-only, by listed name) and uploads
/// (decoded with the library's safe loader, re-encoded as PNG under a generated name).
struct ImageLibrary: Sendable {
    let store: StudioStore
    /// The limit of the studio's files on disk.
    let budget: StorageBudget
    /// The bundled examples' folder, or `nil` for none.
    let examplesFolder: String?
    /// Upload limits.
    let maxUploadBytes: Int
    let maxUploadPixels: Int

    static let exampleExtensions: Set<String> = ["png", "jpg", "jpeg", "webp"]

    /// The examples' file names, sorted: regular files directly in the folder with an image
    /// extension (by `lstat`: a symbolic link is never one, wherever it points); no hidden ones,
    /// no masks such as `astronaut_suit_mask.png`, which are not pictures to stylise.
    func examples() -> [String] {
        guard let folder = examplesFolder,
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { name in
            guard !name.hasPrefix("."), !name.contains("/"), !name.lowercased().contains("_mask."),
                  Self.exampleExtensions.contains((name as NSString).pathExtension.lowercased()) else { return false }
            return StudioFiles.isRegularFile(folder + "/" + name)
        }.sorted()
    }

    /// The file of an example, if `name` is one of ``examples()`` (compared whole, never joined
    /// unchecked). - Throws: `StudioError.notFound`.
    func examplePath(_ name: String) throws -> String {
        guard let folder = examplesFolder, examples().contains(name) else {
            throw StudioError.notFound("no example named '\(name.prefix(60))'")
        }
        return folder + "/" + name
    }

    /// The file of an upload. - Throws: `StudioError.notFound`.
    func uploadPath(_ id: String) throws -> String {
        guard StudioID.isValid(id), try store.upload(id) != nil else {
            throw StudioError.notFound("no upload '\(id.prefix(60))'")
        }
        return store.paths.upload(id)
    }

    /// The file an image reference (`example:NAME`, `upload:ID`) names.
    /// - Throws: `StudioError.badRequest` for another form, `.notFound` for an unknown image.
    func path(of reference: String) throws -> String {
        if reference.hasPrefix("example:") { return try examplePath(String(reference.dropFirst(8))) }
        if reference.hasPrefix("upload:") { return try uploadPath(String(reference.dropFirst(7))) }
        throw StudioError.badRequest("an image must be example:NAME or upload:ID (got '\(reference.prefix(60))')")
    }

    /// Stores an uploaded image: checks the byte limit and the room left, writes the bytes to a
    /// temporary file of a generated name, decodes it with ``ImageIO/load(_:maxPixels:)`` (the
    /// CLI's loader: refused formats, pixel limit), saves it as PNG beside, then inserts the row
    /// and renames the PNG to `uploads/<id>.png`, in that order: a file the studio keeps always
    /// has its row (a failure removes the file; the temporary files are removed in every case).
    /// - Throws: `StudioError.tooLarge` or `.badRequest` with a message for the page.
    func ingest(_ bytes: Data, name: String) throws -> StudioUpload {
        guard bytes.count <= maxUploadBytes else {
            throw StudioError.tooLarge("the file is \(bytes.count) bytes; uploads may have at most \(maxUploadBytes) bytes")
        }
        guard !bytes.isEmpty else { throw StudioError.badRequest("the file is empty") }
        try budget.checkRoom()
        let id = StudioID.make()
        let incoming = store.paths.uploads + "/" + Self.incomingPrefix + id
        let staged = store.paths.uploads + "/" + Self.stagedPrefix + id + ".png"
        defer {
            StudioFiles.remove(incoming)
            StudioFiles.remove(staged)
        }
        do {
            try bytes.write(to: URL(fileURLWithPath: incoming))
        } catch {
            throw StudioError.storage("cannot store the upload: \(error.localizedDescription)")
        }
        let shown = Self.displayName(name)
        let pixels: Tensor
        do {
            pixels = try ImageIO.load(incoming, maxPixels: maxUploadPixels)
        } catch ImageError.tooLarge(_, let width, let height, let maxPixels) {
            throw StudioError.tooLarge("\(shown) is \(width)x\(height) pixels; uploads may have at most \(maxPixels) pixels")
        } catch ImageError.unsupportedFormat(_, let format) {
            let what = format.map { "a \($0) file" } ?? "not an image this studio reads"
            throw StudioError.badRequest("\(shown) is \(what); upload a JPEG, PNG, WebP, TIFF or GIF image")
        } catch {
            throw StudioError.badRequest("\(shown) could not be read as an image")
        }
        let shape = pixels.shape
        guard shape.count == 3 else { throw StudioError.badRequest("\(shown) could not be read as an image") }
        do {
            try ImageIO.save(pixels, to: staged)
        } catch {
            throw StudioError.storage("cannot store the upload: \(error)")
        }
        let upload = StudioUpload(id: id, name: shown, width: shape[2], height: shape[1], created: Date().timeIntervalSince1970)
        let final = store.paths.upload(id)
        try budget.admit(bytes: StorageBudget.size(staged)) {
            try store.insert(upload)
            guard rename(staged, final) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = try? store.deleteUpload(id)
                throw StudioError.storage("cannot store the upload: \(reason)")
            }
        }
        return upload
    }

    /// Deletes an upload: its file (`uploads/<id>.png`, by its stored name) and its row. Refused
    /// while a queued or running job uses it. - Throws: `StudioError.notFound`, `.conflict`.
    func delete(upload id: String) throws {
        guard StudioID.isValid(id), try store.upload(id) != nil else { throw StudioError.notFound("no upload '\(id.prefix(60))'") }
        let reference = "upload:" + id
        if let job = try store.waitingJobs(using: reference).first {
            throw StudioError.conflict("job \(job.number) (\(job.state.rawValue)) uses this image: cancel or stop it first")
        }
        try StudioFiles.removeOrThrow(store.paths.upload(id))
        try store.deleteUpload(id)
    }

    /// Temporary files of uploads in progress (`uploads/.incoming-<id>`, `.staged-<id>.png`).
    static let incomingPrefix = ".incoming-"
    static let stagedPrefix = ".staged-"

    /// Removes the temporary files a stopped server left in `uploads/` (only those names, and
    /// the instant previews' `.preview-` files with their hidden saving copies).
    func removeLeftovers() {
        let folder = store.paths.uploads
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix(Self.incomingPrefix) || name.hasPrefix(Self.stagedPrefix)
            || name.hasPrefix(InstantPreviews.filePrefix) || name.hasPrefix("." + InstantPreviews.filePrefix) {
            StudioFiles.remove(folder + "/" + name)
        }
    }

    /// A file name fit to show: its last component, printable characters only, at most 80.
    static func displayName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init).prefix(80))
        return clean.isEmpty ? "the image" : clean
    }
}

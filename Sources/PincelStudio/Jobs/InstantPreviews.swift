import Foundation
import Pincel

/// The instant pictures the page shows as soon as a photo and a painting are chosen
/// (`POST /api/instant`): ``InstantTransfer``'s picture by the process-wide
/// ``InstantStylizer``, made on a thread of its own (``BlockingWork``), never on the server's
/// event loop.
///
/// Only the newest request matters: one picture is made at a time, and at most one request
/// waits; a newer one supersedes it (the older gets `StudioError.conflict` at once), so a page
/// whose selection changes quickly never makes the studio work through stale pictures.
final class InstantPreviews: Sendable {
    /// Gives the stylizer (loading its models once), or throws why it cannot.
    typealias Loader = @Sendable () throws -> InstantStylizer

    private let load: Loader
    private let gate = PreviewGate()
    /// The folder of the short-lived PNG files (`.preview-<id>.png`, removed once read).
    let folder: String

    /// The studio's previews, with the models ``InstantStylizer/shared(modelsFolder:)`` finds.
    init(folder: String, load: @escaping Loader = { try InstantStylizer.shared() }) {
        self.folder = folder
        self.load = load
    }

    /// Temporary files of pictures in progress.
    static let filePrefix = ".preview-"

    /// A picture as the page gets it.
    struct Picture: Sendable {
        var png: Data
        var width: Int
        var height: Int
        /// Seconds the picture took (decoding included).
        var seconds: Double
    }

    /// `nil` when the instant models load (the first call loads them, off the event loop);
    /// else why not, in one line for the page.
    func unavailable() async -> String? {
        do {
            _ = try await BlockingWork.run(name: "pincel-studio-instant") { [load] _ in try load() }
            return nil
        } catch {
            return Self.reason(error)
        }
    }

    /// The instant picture of `content` in `styles` (files), with `options`' size, blend and
    /// colours. - Throws: `StudioError` (`.conflict` when superseded, `.unavailable` without
    /// the models, `.badRequest` for an image the network cannot take).
    func picture(content: String, styles: [String], options: TransferOptions) async throws -> Picture {
        guard await gate.enter() else { throw StudioError.conflict("superseded by a newer preview") }
        do {
            let picture = try await make(content: content, styles: styles, options: options)
            await gate.leave()
            return picture
        } catch {
            await gate.leave()
            throw Self.studioError(error)
        }
    }

    private func make(content: String, styles: [String], options: TransferOptions) async throws -> Picture {
        let file = folder + "/" + Self.filePrefix + StudioID.make() + ".png"
        let request = TransferRequest(content: .file(content), styles: styles.map { .file($0) }, options: options)
        return try await BlockingWork.run(name: "pincel-studio-instant") { [load] stop in
            if stop.isRaised { throw CancellationError() }
            let result = try InstantTransfer(request, stylizer: load()).runBlocking()
            defer { StudioFiles.remove(file) }
            try ImageIO.save(result.image, to: file)
            guard let png = StudioFiles.read(file) else { throw StudioError.storage("cannot read back the preview") }
            return Picture(png: png, width: result.image.shape[2], height: result.image.shape[1], seconds: result.seconds)
        }
    }

    /// What the page is told.
    static func studioError(_ error: any Error) -> any Error {
        switch error {
        case is StudioError: return error
        case is CancellationError: return StudioError.conflict("superseded by a newer preview")
        case let onnx as ONNXError: return StudioError.unavailable("no instant picture: \(onnx)")
        case TransferError.invalidSetting(let setting, let reason): return StudioError.badRequest("\(setting.words) \(reason)")
        case let transfer as TransferError: return StudioError.badRequest("\(transfer)")
        case is ImageError: return StudioError.badRequest("the photo or a painting could not be read for the instant picture")
        default: return StudioError.storage("the instant picture failed: \(String(describing: error).prefix(200))")
        }
    }

    /// Why the models cannot be used, one line (the page puts "No instant picture: " before it).
    static func reason(_ error: any Error) -> String {
        if let onnx = error as? ONNXError { return onnx.description }
        return String(describing: error).prefix(200).replacingOccurrences(of: "\n", with: " ")
    }
}

/// One picture at a time, and at most one waiting: ``enter()`` returns `false` for a waiting
/// request that a newer one replaced.
actor PreviewGate {
    private var busy = false
    private var waiting: CheckedContinuation<Bool, Never>?

    /// `true` when the caller may make its picture (then it must call ``leave()``), `false`
    /// when a newer request took its place while it waited.
    func enter() async -> Bool {
        guard busy else {
            busy = true
            return true
        }
        waiting?.resume(returning: false)
        return await withCheckedContinuation { waiting = $0 }
    }

    /// Whether a request waits for its turn.
    var hasWaiting: Bool { waiting != nil }

    /// Hands the turn to the waiting request, if any.
    func leave() {
        if let next = waiting {
            waiting = nil
            next.resume(returning: true)
        } else {
            busy = false
        }
    }
}

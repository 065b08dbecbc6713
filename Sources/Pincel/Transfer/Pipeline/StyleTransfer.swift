import PincelCore
import PincelWeights
import PincelImaging
import Foundation

/// A neural style transfer (Gatys, Ecker & Bethge, arXiv:1508.06576): the whole pipeline from
/// image sources to the result, validated once, run off the caller's thread, cancellable.
///
/// ```swift
/// let weights = try VGG19Weights.load(contentsOf: try WeightsLocator.resolve(explicit: nil))
/// let request = TransferRequest(content: .file(content), styles: [.file(style)])
/// let result = try await StyleTransfer(request, weights: weights).run()
/// try ImageIO.save(result.image, to: output)
/// ```
///
/// (`content`, `style` and `output` are file paths.) With progress and cancellation:
/// <doc:GettingStarted>.
///
/// The run loads the images (``TransferRequest``), then optimises on a thread of its own (the
/// work is long and blocking, so it does not occupy Swift's cooperative pool). Cancelling the
/// awaiting task stops it at the next objective evaluation (up to two more then score the image
/// it returns: one when the last trial step was rejected, one for the 8-bit image at the last
/// scale); the result then holds the image as it was (``TransferResult/Stop/cancelled``).
///
/// Process-wide state: oneDNN's thread count is applied per network on the thread that
/// computes (see ``NetworkOptions/threads``); libvips' cache and concurrency settings are
/// process-wide and set once by Pincel. Several transfers may run at once; they share the
/// cores.
public struct StyleTransfer: Sendable {
    /// The images and settings, validated.
    public let request: TransferRequest
    /// The VGG19 weights the run uses.
    public let weights: VGG19Weights

    /// Checks the request's settings (``TransferOptions/validate(styleCount:)``); loads nothing.
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` for the first bad setting.
    public init(_ request: TransferRequest, weights: VGG19Weights) throws {
        try request.validate()
        self.request = request
        self.weights = weights
    }

    /// Runs the transfer.
    ///
    /// - Parameter onEvent: called on the transfer's thread with each event, in order; keep it
    ///   short (it delays the next evaluation). For a consumer in another task, use ``events()``.
    /// - Returns: the result; ``TransferResult/stop`` says whether it completed, converged or
    ///   was cancelled.
    /// - Throws: `CancellationError` when cancelled before the first evaluation (no image yet);
    ///   ``TransferFailure`` (with the last finite image) when the objective became NaN
    ///   or infinite; ``ImageError`` for an image that cannot be read; ``TransferError``,
    ///   ``VGGError`` for a request the network cannot run.
    public func run(onEvent: @escaping @Sendable (TransferEvent) -> Void = { _ in }) async throws -> TransferResult {
        try await BlockingWork.run(name: "pincel-transfer") { stop in try self.runBlocking(stop: stop, onEvent: onEvent) }
    }

    /// Runs the transfer on `network`'s kept network (made at the first run that needs it), so
    /// that transfers run one after another share the weights' layouts and the plans of
    /// their image sizes. Otherwise as ``run(onEvent:)``.
    package func run(reusing network: ReusableNetwork,
                     onEvent: @escaping @Sendable (TransferEvent) -> Void = { _ in }) async throws -> TransferResult {
        try await BlockingWork.run(name: "pincel-transfer") { stop in
            try self.runBlocking(stop: stop, reusing: network, onEvent: onEvent)
        }
    }

    /// The run as an asynchronous sequence: every ``TransferEvent``, then ``TransferOutcome/finished(_:)``
    /// with the result. Iterating starts the run; ending the iteration (or cancelling its task)
    /// cancels it. A consumer that falls behind gets the newest events (at most 64 wait).
    public func events() -> AsyncThrowingStream<TransferOutcome, Error> {
        AsyncThrowingStream(bufferingPolicy: .bufferingNewest(64)) { continuation in
            let task = Task {
                do {
                    let result = try await run { continuation.yield(.event($0)) }
                    continuation.yield(.finished(result))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The pipeline on the calling thread: load, size, run, until done or `stop` is raised.
    func runBlocking(stop: StopSignal, reusing network: ReusableNetwork? = nil,
                     onEvent: (TransferEvent) -> Void) throws -> TransferResult {
        var options = request.options
        let seed = options.seed ?? SeededRandom.drawSeed()
        options.seed = seed
        let images = try LoadedImages(request, maxPixels: options.maxPixels)
        // Cancelled before the first evaluation: there is no image worth returning yet.
        if stop.isRaised { throw CancellationError() }
        let plan = try ScalePlan(size: options.size, iterations: options.iterations, scales: options.scales,
                                 scaleIterations: options.scaleIterations)
        onEvent(.started(TransferStart(width: images.content.shape[2], height: images.content.shape[1],
                                       styleSizes: images.styles.map { ($0.shape[2], $0.shape[1]) },
                                       seed: seed, plan: plan)))
        let preview = TransferPreview()
        return try TransferEngine.run(content: images.content, styles: images.styles, weights: weights,
                                      options: options, initialImage: images.initial,
                                      spatial: images.spatial, reusing: network) { progress, image in
            preview.update(image)
            onEvent(.progress(TransferProgressEvent(progress: progress, preview: preview)))
            return !stop.isRaised
        }
    }
}

/// An element of ``StyleTransfer/events()``: an event of the run, or its result (the last).
public enum TransferOutcome: Sendable {
    /// An event of the run, in order.
    case event(TransferEvent)
    /// The run's result: the last element.
    case finished(TransferResult)
}

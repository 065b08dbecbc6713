import PincelCore
import PincelWeights
import PincelImaging
import Synchronization

/// What a running transfer reports, in order: ``started(_:)`` once the images are loaded, then
/// ``progress(_:)`` after every objective evaluation.
public enum TransferEvent: Sendable {
    /// The images are loaded and the optimisation begins (once).
    case started(TransferStart)
    /// An objective evaluation is done (once per evaluation).
    case progress(TransferProgressEvent)

    /// The progress, for a `.progress` event.
    public var progress: TransferProgress? {
        if case .progress(let p) = self { return p.progress }
        return nil
    }
}

/// The run as it starts: sizes, seed and plan.
public struct TransferStart: Sendable {
    /// Content (and result) width, pixels.
    public var width: Int
    /// Content (and result) height, pixels.
    public var height: Int
    /// Each style image's size as used at the last scale, pixels.
    public var styleSizes: [(width: Int, height: Int)]
    /// The seed of the noise start (the one drawn when ``TransferOptions/seed`` is `nil`).
    public var seed: UInt64
    /// Longer side and iterations of each scale, smallest first.
    public var plan: ScalePlan
}

/// One evaluation's progress, and access to the image being optimised.
public struct TransferProgressEvent: Sendable {
    /// Where the run is: evaluation, scale, loss terms, time.
    public var progress: TransferProgress
    let preview: TransferPreview

    /// The image being optimised, as it is now (a later evaluation's if the consumer fell
    /// behind): RGB `[3, h, w]` at the current scale's size, 0…255 (not quantised). Costs a
    /// colour conversion of the image; call it only for the events you show.
    public func currentImage() -> Tensor? { preview.latest() }
}

/// The latest image of a run, shared by its events: one copy, however many events wait.
final class TransferPreview: Sendable {
    private let image = Mutex<(@Sendable () -> Tensor)?>(nil)

    func update(_ make: @escaping @Sendable () -> Tensor) { image.withLock { $0 = make } }

    func latest() -> Tensor? { image.withLock { $0 }?() }
}

import PincelCore
import PincelWeights
import PincelImaging

/// What a transfer produced.
public struct TransferResult: Sendable {
    /// How the run ended.
    public enum Stop: Sendable, Equatable {
        /// Every planned iteration ran.
        case completed
        /// The convergence test (``TransferOptions/convergenceTolerance``) ended the last scale
        /// before its cap: more iterations would no longer change the picture much.
        case converged
        /// The caller stopped it (task cancellation, Ctrl-C); the image is the current one.
        case cancelled
        /// The objective became NaN or infinite; the image is the last finite one (only in a
        /// ``TransferFailure``'s partial result).
        case failed
    }

    /// The result, RGB `[3, H, W]` at the content's size, 0…255 (not yet quantised to 8 bits).
    public var image: Tensor
    /// Objective terms at the last evaluation (the optimiser's own value).
    public var finalTerms: GatysObjective.Terms
    /// Objective terms of the image rounded to 8 bits and clamped to 0…255, i.e. as saved.
    /// Equal to ``finalTerms`` when the run stopped before its last scale or was cancelled
    /// (a cancelled run returns without scoring the 8-bit image).
    public var quantizedTerms: GatysObjective.Terms
    /// Objective evaluations done, over all scales.
    public var iterations: Int
    /// Objective evaluations planned (the cap), over all scales.
    public var plannedIterations: Int
    /// The seed of the noise start (the one drawn when the options left it `nil`).
    public var seed: UInt64
    /// How the run ended.
    public var stop: Stop
    /// Seconds spent optimising: image loading excluded, the content and style targets of every
    /// scale included (as ``TransferProgress/elapsed``).
    public var seconds: Double

    /// True when the caller stopped the run.
    public var interrupted: Bool { stop == .cancelled }
}

/// A failed transfer that still has an image worth saving: ``partialResult`` holds the last
/// finite image and the terms and iterations up to the failure.
public struct TransferFailure: Error, CustomStringConvertible {
    /// What went wrong: ``TransferError/nonFinite(iteration:)``.
    public var error: TransferError
    /// The run up to the failure: the last finite image at the content's size, clamped to
    /// 0…255, with ``TransferResult/stop`` ``TransferResult/Stop/failed``.
    public var partialResult: TransferResult
    /// The last finite image (``TransferResult/image`` of ``partialResult``).
    public var lastImage: Tensor { partialResult.image }
    /// The ``error``'s one-line description.
    public var description: String { error.description }
}

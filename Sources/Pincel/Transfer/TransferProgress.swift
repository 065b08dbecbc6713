import PincelCore

/// Where a running transfer is, reported after each objective evaluation.
public struct TransferProgress: Sendable {
    /// Evaluations so far over all scales, 1-based.
    public var iteration: Int
    /// Evaluations planned over all scales (the cap).
    public var total: Int
    /// Current scale, 1-based, smallest first.
    public var scale: Int = 1
    /// Scales in the run's ``ScalePlan``.
    public var scales: Int = 1
    /// Longer side of the image at the current scale, pixels.
    public var side: Int = 0
    /// The loss terms at this evaluation.
    public var terms: GatysObjective.Terms
    /// Seconds since the optimisation began: image loading excluded, the content and style
    /// targets of every scale included.
    public var elapsed: Double
    /// This evaluation was a trial step the optimiser rejects (its value rose; L-BFGS steps
    /// back towards the point it came from), so its value is not on the descent path.
    public var rejectedTrial = false
}

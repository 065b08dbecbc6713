import PincelCore
import PincelWeights
import Foundation

/// One network kept between transfers that run one after another (`pincel batch`), so that the
/// weights are reordered once and the backend's plans (buffers and primitives per image size)
/// are reused by every later item of the same size.
///
/// It holds the last network made: a transfer whose network settings or taps differ from the
/// last one's gets a new network (the old one is released first). Transfers that share it must
/// not run at the same time; the lock only keeps the handover safe.
package final class ReusableNetwork: @unchecked Sendable {
    private let lock = NSLock()
    private var key: String?
    private var network: (any FeatureNetwork)?
    /// Networks made so far (1 for a batch whose items share the settings).
    package private(set) var made = 0

    package init() {}

    /// The network kept now (`nil` before the first transfer).
    package var kept: (any FeatureNetwork)? { lock.withLock { network } }

    /// The kept network when `options` ask for the same one, else a new one (kept instead).
    func network(weights: VGG19Weights, options: TransferOptions) throws -> any FeatureNetwork {
        try lock.withLock {
            let wanted = "\(ObjectiveSpec(options).taps)|\(options.network)"
            if let network, key == wanted { return network }
            network = nil
            let made = try ComputeBackends.makeNetwork(weights: weights, options: options)
            (network, key) = (made, wanted)
            self.made += 1
            return made
        }
    }
}

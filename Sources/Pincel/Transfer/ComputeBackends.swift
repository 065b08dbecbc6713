import PincelCore
import PincelWeights
internal import PincelDNNL
import Synchronization

/// The compute backends this process can use, by ``ComputeBackend`` value, and the one place
/// the pipeline makes its network.
///
/// ``ComputeBackend/dnnl`` (oneDNN on the CPU) is built in. A target that implements
/// ``FeatureNetwork`` for another backend adds it with ``register(_:factory:)`` (once, before
/// a transfer asks for it); a transfer then chooses it with ``NetworkOptions/backend``.
public enum ComputeBackends {
    /// Makes a backend's network over `weights` with the given taps (layer names) and settings.
    public typealias Factory = @Sendable (_ weights: VGG19Weights, _ taps: [String], _ options: NetworkOptions) throws
        -> any FeatureNetwork

    private static let factories = Mutex<[ComputeBackend: Factory]>([
        .dnnl: { weights, taps, options in try VGG19Network(weights: weights, taps: taps, options: options) },
    ])

    /// Adds (or replaces) the backend `backend`.
    public static func register(_ backend: ComputeBackend, factory: @escaping Factory) {
        factories.withLock { $0[backend] = factory }
    }

    /// The backends registered, by name.
    public static var available: [ComputeBackend] {
        factories.withLock { $0.keys.sorted { $0.name < $1.name } }
    }

    /// The network of `options.backend` over `weights` with the given taps.
    ///
    /// - Throws: ``TransferError/invalidOption(_:)`` when no backend of that name is
    ///   registered; the backend's errors when it cannot start.
    public static func makeNetwork(weights: VGG19Weights, taps: [String], options: NetworkOptions) throws -> any FeatureNetwork {
        guard let factory = factories.withLock({ $0[options.backend] }) else {
            let names = available.map(\.name).joined(separator: ", ")
            throw TransferError.invalidOption("no compute backend named '\(options.backend.name)' (available: \(names))")
        }
        return try factory(weights, taps, options)
    }

    /// The network a transfer's objective runs on: the taps its terms read, channels-last (the
    /// Gram products run faster in that layout).
    static func makeNetwork(weights: VGG19Weights, options: TransferOptions) throws -> any FeatureNetwork {
        var networkOptions = options.network
        networkOptions.tapLayout = .channelsLast
        return try makeNetwork(weights: weights, taps: ObjectiveSpec(options).taps, options: networkOptions)
    }
}

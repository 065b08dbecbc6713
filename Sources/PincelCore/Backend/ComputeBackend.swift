/// Which implementation computes the network and the loss terms (``FeatureNetwork``): a value
/// in the options (``NetworkOptions/backend``), the way a device is chosen in array libraries.
///
/// Pincel has one built in, ``dnnl`` (oneDNN on the CPU; also ``cpu``). Another target adds
/// one by registering a factory for a new value (`ComputeBackends.register(_:factory:)`) and
/// users choose it by that value: see <doc:Backends>.
public struct ComputeBackend: Hashable, Sendable, CustomStringConvertible {
    /// The backend's name, as the registry knows it (lowercase by convention).
    public let name: String

    /// The backend called `name` (it must be registered before a network is made for it).
    public init(name: String) { self.name = name }

    /// oneDNN on the CPU, built in.
    public static let dnnl = ComputeBackend(name: "dnnl")
    /// The CPU backend: ``dnnl``.
    public static let cpu = dnnl
    /// The backend used when the options name none: ``dnnl``.
    public static let `default` = dnnl

    /// ``name``.
    public var description: String { name }
}

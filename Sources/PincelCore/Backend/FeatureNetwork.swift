/// VGG19 as a compute backend runs it: the features the objective reads and the gradient it
/// sends back, with the matrix products of the loss terms.
///
/// ``GatysObjective`` holds one of these and nothing backend-specific: each evaluation is one
/// ``forward(image:height:width:)`` and one ``backward(into:tapGradient:)``, whose callback
/// asks for each tap's term (``contentTerm(tap:target:weight:gradient:)``,
/// ``styleTerm(tap:target:layerWeight:workspace:gradient:)``) as the pass reaches it. The
/// optimisers stay on host `[Float]`: the image and its gradient cross this protocol in host
/// memory; where the activations and the work live is the backend's choice. The terms have
/// default implementations on host memory (``activation(_:)`` and ``products``), so a backend
/// needs only the passes and a matrix product; one whose activations live on a device
/// overrides them to compute there. The pipeline makes a network with
/// `ComputeBackends.makeNetwork(weights:taps:options:)` for the ``NetworkOptions/backend``
/// chosen; <doc:Backends> says what a new backend implements.
public protocol FeatureNetwork: AnyObject {
    /// The layers whose activations the passes expose, in tap order (a tap's index is its
    /// position here).
    var taps: [VGG19Layer] { get }
    /// How tap activations and tap gradients are laid out.
    var tapLayout: FeatureLayout { get }
    /// The smallest image side the deepest tap needs.
    var minimumSide: Int { get }
    /// The matrix products of the loss terms, on this backend.
    var products: any MatrixProducts { get }

    /// Runs `body` as this backend runs its own work (its threads, its device): for work done
    /// on its behalf outside the passes, such as the style targets' Gram matrices.
    func withComputeThreads<T>(_ body: () throws -> T) rethrows -> T

    /// Runs the forward pass on `image` (`[3, height, width]`, RGB 0…255, planar).
    func forward(image: UnsafeBufferPointer<Float>, height: Int, width: Int) throws

    /// The activation of tap `index` from the last forward pass, in ``tapLayout``, readable
    /// until the next forward pass.
    func activation(_ index: Int) throws -> UnsafeBufferPointer<Float>

    /// The shape `[C, h, w]` of tap `index` at the last forward pass's size.
    func shape(ofTap index: Int) throws -> [Int]

    /// Backpropagates to the image and writes dLoss/dImage (`[3, H, W]`, RGB) into
    /// `gradient`. When the pass reaches tap `t` (deepest first) it calls `tapGradient(t,
    /// buffer)`, which writes every value of dLoss/d(activation of tap t) into `buffer` (laid
    /// out as the activation; its previous contents are garbage).
    func backward(into gradient: UnsafeMutableBufferPointer<Float>,
                  tapGradient: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) throws

    /// The Gram matrix of tap `t`'s activation from the last forward pass.
    func gramMatrix(ofTap t: Int) throws -> GramMatrix

    /// The content term of tap `t` (``ContentLoss``): returns its value and adds its gradient
    /// into `gradient` (the tap's gradient buffer in ``backward(into:tapGradient:)``).
    func contentTerm(tap t: Int, target: UnsafeBufferPointer<Float>, weight: Float,
                     gradient: UnsafeMutableBufferPointer<Float>) throws -> Float

    /// The style term of tap `t` (``StyleLoss``): returns its value and adds its gradient into
    /// `gradient`.
    func styleTerm(tap t: Int, target: GramMatrix, layerWeight: Float, workspace: StyleLayerWorkspace,
                   gradient: UnsafeMutableBufferPointer<Float>) throws -> Float
}

extension FeatureNetwork {
    /// On host memory: ``GramMatrix/init(features:channels:layout:products:)`` of
    /// ``activation(_:)`` with ``products``, on this backend's threads.
    public func gramMatrix(ofTap t: Int) throws -> GramMatrix {
        let channels = try shape(ofTap: t)[0]
        let features = try activation(t)
        return try withComputeThreads {
            try GramMatrix(features: features, channels: channels, layout: tapLayout, products: products)
        }
    }

    /// On host memory: ``ContentLoss/evaluate(features:target:weight:gradient:)`` of
    /// ``activation(_:)``.
    public func contentTerm(tap t: Int, target: UnsafeBufferPointer<Float>, weight: Float,
                            gradient: UnsafeMutableBufferPointer<Float>) throws -> Float {
        try ContentLoss.evaluate(features: try activation(t), target: target, weight: weight, gradient: gradient)
    }

    /// On host memory: ``StyleLoss/evaluate(features:target:layerWeight:workspace:gradient:layout:products:)``
    /// of ``activation(_:)`` with ``products``.
    public func styleTerm(tap t: Int, target: GramMatrix, layerWeight: Float, workspace: StyleLayerWorkspace,
                          gradient: UnsafeMutableBufferPointer<Float>) throws -> Float {
        try StyleLoss.evaluate(features: try activation(t), target: target, layerWeight: layerWeight,
                               workspace: workspace, gradient: gradient, layout: tapLayout, products: products)
    }
}

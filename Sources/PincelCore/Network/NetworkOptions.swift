/// Pooling between VGG19 blocks (2x2, stride 2).
public enum PoolingMode: String, CaseIterable, Sendable {
    /// Max pooling, as VGG19 was trained.
    case max
    /// Average pooling (Gatys et al. report slightly smoother results).
    case avg
}

/// How convolutions are computed.
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// Direct convolution.
    case direct
    /// Winograd F(4x4, 3x3) where the backend has it (oneDNN: f32 only); other layers fall back
    /// to direct.
    case winograd
}

/// The data type activations and weights are stored in; accumulation is always f32.
public enum ComputePrecision: String, CaseIterable, Sendable {
    /// 32-bit floats throughout.
    case f32
    /// bfloat16 storage where the CPU supports it.
    case bf16
}

/// How a tap's activation (and the gradient written for it) is laid out in memory.
public enum FeatureLayout: String, CaseIterable, Sendable {
    /// `[C, h, w]`: each channel a plane.
    case channelsFirst
    /// `[h, w, C]`: each pixel's channels together. Gram matrices `Fᵀ F` of this layout run
    /// faster on oneDNN's sgemm than `F Fᵀ` of the planar one (BENCHMARKS.md).
    case channelsLast
}

/// Settings of the network (``FeatureNetwork``): which backend computes it, and how.
public struct NetworkOptions: Sendable, Equatable {
    /// The backend that computes the network and the loss terms (``ComputeBackend/dnnl``, the
    /// built-in CPU backend, unless another is registered and chosen).
    public var backend: ComputeBackend
    /// Pooling between blocks.
    public var pooling: PoolingMode
    /// How convolutions are computed.
    public var algorithm: ConvolutionAlgorithm
    /// The storage type of activations and weights.
    public var precision: ComputePrecision
    /// Compute threads for this network's work only (on oneDNN: OpenMP threads, set around each
    /// of its builds and passes, then restored); `nil` = the calling thread's count (all cores
    /// unless `OMP_NUM_THREADS` says otherwise). ``TransferLimits/threads``.
    public var threads: Int?
    /// Recompute blocks 1 and 2 during the backward pass instead of keeping their activations
    /// (`nil`: automatically for images above ``recomputeAbovePixels``). The activation memory
    /// drops from about 320 to 150 floats per pixel for a little more work per pass
    /// (BENCHMARKS.md).
    public var recomputeEarlyBlocks: Bool?
    /// The memory layout of tap activations and tap gradients (see ``FeatureNetwork/activation(_:)``).
    public var tapLayout: FeatureLayout
    /// Pixel count above which ``recomputeEarlyBlocks`` `nil` means on (about 1600x1600).
    public static let recomputeAbovePixels = 2_500_000

    /// Whether a pass over `height x width` recomputes blocks 1 and 2.
    public func recomputes(height: Int, width: Int) -> Bool {
        recomputeEarlyBlocks ?? (height * width > Self.recomputeAbovePixels)
    }

    /// The defaults are the fastest mode whose gradients agree with direct f32
    /// (see BENCHMARKS.md): Winograd, f32.
    public init(backend: ComputeBackend = .default, pooling: PoolingMode = .max, algorithm: ConvolutionAlgorithm = .winograd,
                precision: ComputePrecision = .f32, threads: Int? = nil, recomputeEarlyBlocks: Bool? = nil,
                tapLayout: FeatureLayout = .channelsFirst) {
        self.backend = backend
        self.pooling = pooling
        self.algorithm = algorithm
        self.precision = precision
        self.threads = threads
        self.recomputeEarlyBlocks = recomputeEarlyBlocks
        self.tapLayout = tapLayout
    }
}

import PincelCore
import PincelWeights

/// VGG19's convolutional part on oneDNN: forward to any set of layers, and backward to the
/// input image (weights are frozen; no weight gradients).
///
/// The input is an RGB image `[3, H, W]` with values 0…255; the network applies the Caffe
/// preprocessing itself (RGB → BGR, subtract the mean pixel 103.939, 116.779, 123.68 in
/// BGR order). It runs only as deep as the deepest requested layer. Buffers and primitives
/// are built once per image size and reused: the network keeps the plans of the last few
/// sizes (least recently used dropped first, and only small ones beside the one in use; see
/// `PlanCache`), and reorders each convolution's weights once per layout for all of them
/// (`WeightStore`).
///
/// Threads: `options.threads` applies to this network's work only. It is set on the calling
/// thread around each plan build, forward and backward pass (the tap-gradient callback
/// included) and restored afterwards; see ``ComputeThreads`` for how and its limits.
public final class VGG19Network: FeatureNetwork {
    /// The layers whose activations ``forward(_:)`` returns, in the order given.
    public let taps: [VGG19Layer]
    /// Pooling, algorithm, precision, threads, recomputation and tap layout.
    public let options: NetworkOptions
    private let engine: DNNLEngine
    private let stream: DNNLStream
    private let weightStore: WeightStore
    /// The plan of the last forward pass (or ``prepare(height:width:)``).
    private var plan: NetworkPlan?
    private var plans = PlanCache()
    private var hasForward = false
    /// Plans built so far (each a full set of primitives and buffers for one size).
    private(set) var planBuilds = 0
    /// Weight reorders run so far, for all plans.
    var weightReorders: Int { weightStore.reorders }

    /// Caffe's mean pixel, BGR order.
    static let meanBGR: [Float] = [103.939, 116.779, 123.68]

    /// A network over `weights` that can read the activations of `taps`; buffers are made at
    /// the first pass (per image size).
    ///
    /// - Parameters:
    ///   - weights: the 16 convolutions.
    ///   - taps: layer names such as `relu4_2`, `pool3` (validated); duplicates are dropped.
    ///   - options: the network's settings.
    /// - Throws: ``VGGError`` for no taps, an unknown or pre-ReLU layer; ``DNNLError`` when
    ///   oneDNN cannot start.
    public init(weights: VGG19Weights, taps: [String], options: NetworkOptions = .init()) throws {
        guard !taps.isEmpty else { throw VGGError.noLayers }
        var layers: [VGG19Layer] = []
        for name in taps {
            let layer = try VGG19Layer(name: name)
            if case .conv = layer { throw VGGError.preReLUTap(name) }
            if !layers.contains(layer) { layers.append(layer) }
        }
        self.taps = layers
        self.options = options
        engine = try DNNLEngine()
        stream = try DNNLStream(engine: engine)
        weightStore = WeightStore(weights: weights, engine: engine, stream: stream)
    }

    /// Runs `body` on this network's thread count (`options.threads`), as its own passes run:
    /// for work done on the network's behalf, such as the Gram matrices of style targets.
    public func withComputeThreads<T>(_ body: () throws -> T) rethrows -> T {
        try ComputeThreads.withCount(options.threads, body)
    }

    /// How tap activations are laid out: ``NetworkOptions/tapLayout``.
    public var tapLayout: FeatureLayout { options.tapLayout }

    /// The loss terms' matrix products: oneDNN's sgemm, on this network's threads when called
    /// inside ``withComputeThreads(_:)`` or a pass.
    public var products: any MatrixProducts { DNNLMatrixProducts() }

    /// Smallest image side the deepest tap needs (each pooling halves the size).
    public var minimumSide: Int { 1 << (taps.map(\.poolingsBefore).max() ?? 0) }

    /// Builds (or reuses) the buffers and primitives for an image size.
    @discardableResult
    func prepare(height: Int, width: Int) throws -> NetworkPlan {
        if let plan, plan.height == height, plan.width == width { return plan }
        guard min(height, width) >= minimumSide else {
            throw VGGError.imageTooSmall(width: width, height: height, minimum: minimumSide)
        }
        hasForward = false
        if let cached = plans.plan(height: height, width: width) {
            plan = cached
            return cached
        }
        plan = nil
        plans.makeRoom()  // release old buffers before allocating the new ones
        let p = try ComputeThreads.withCount(options.threads) {
            try NetworkPlan(weights: weightStore, taps: taps, height: height, width: width,
                            options: options, engine: engine, stream: stream)
        }
        planBuilds += 1
        plans.insert(p)
        weightStore.keepOnly(plans.plans)
        plan = p
        return p
    }

    /// The bounds of the plan cache (tests use small ones).
    var planCacheLimits: (capacity: Int, retainedBytes: Int) {
        get { (plans.capacity, plans.retainedBytes) }
        set { plans.capacity = newValue.capacity; plans.retainedBytes = newValue.retainedBytes }
    }

    /// Bytes held by the buffers for the current image size.
    public var preparedBytes: Int { plan?.bytes ?? 0 }

    /// oneDNN's implementation of each convolution for the current image size.
    public var implementations: [String] { plan?.implementations ?? [] }

    // MARK: - Allocation-free interface

    /// Runs the forward pass on `image` (`[3, height, width]`, RGB 0…255, planar).
    /// Afterwards ``activation(_:)`` gives each tap's output.
    public func forward(image: UnsafeBufferPointer<Float>, height: Int, width: Int) throws {
        guard image.count == 3 * height * width else {
            throw VGGError.badShape(expected: [3, height, width], got: [image.count], what: "image")
        }
        let plan = try prepare(height: height, width: width)
        let dst = plan.input.floats
        let hw = height * width
        for c in 0..<3 {
            let mean = Self.meanBGR[c]
            let src = (2 - c) * hw, off = c * hw
            for i in 0..<hw { dst[off + i] = image[src + i] - mean }
        }
        try ComputeThreads.withCount(options.threads) { try plan.forward() }
        hasForward = true
    }

    /// The activation of tap `index` (position in ``taps``) from the last forward pass, laid out
    /// as `options.tapLayout` says: `[C, h, w]` (the default) or `[h, w, C]`.
    public func activation(_ index: Int) throws -> UnsafeBufferPointer<Float> {
        guard let plan, hasForward else { throw VGGError.notRun("reading an activation") }
        return UnsafeBufferPointer(plan.tapOutputs[index].floats)
    }

    /// The shape `[C, h, w]` of tap `index` for the prepared image size.
    public func shape(ofTap index: Int) throws -> [Int] {
        guard let plan else { throw VGGError.notRun("a tap's shape") }
        return plan.tapShapes[index]
    }

    /// Backpropagates to the image and writes dLoss/dImage (`[3, H, W]`, RGB) into
    /// `gradient`. When the pass reaches tap `t` (position in ``taps``, deepest first) it
    /// calls `tapGradient(t, buffer)`, which must write every value of dLoss/d(activation
    /// of tap t) (laid out as the activation) into `buffer`; the buffer's previous contents are garbage.
    /// Needs the activations of the last forward pass, which stay readable meanwhile.
    public func backward(into gradient: UnsafeMutableBufferPointer<Float>,
                         tapGradient: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        guard let plan, hasForward else { throw VGGError.notRun("the backward pass") }
        let hw = plan.height * plan.width
        guard gradient.count == 3 * hw else {
            throw VGGError.badShape(expected: [3, plan.height, plan.width], got: [gradient.count], what: "image gradient")
        }
        try ComputeThreads.withCount(options.threads) { try plan.backward(tapGradient: tapGradient) }
        let src = plan.inputGradient.floats
        for c in 0..<3 {
            let from = (2 - c) * hw, to = c * hw
            for i in 0..<hw { gradient[to + i] = src[from + i] }
        }
    }

    // MARK: - Convenience (allocates)

    /// Runs the forward pass and returns each tap's activation `[C, h, w]`, keyed by name.
    public func forward(_ image: Tensor) throws -> [String: Tensor] {
        guard image.shape.count == 3, image.shape[0] == 3 else {
            throw VGGError.badShape(expected: [3, -1, -1], got: image.shape, what: "image")
        }
        try image.data.withUnsafeBufferPointer { try forward(image: $0, height: image.shape[1], width: image.shape[2]) }
        var result: [String: Tensor] = [:]
        for (i, tap) in taps.enumerated() {
            let shape = try shape(ofTap: i)
            let values = Array(try activation(i))
            result[tap.name] = Tensor(shape: shape, data: options.tapLayout == .channelsLast
                                      ? Self.transpose(values, rows: shape[1] * shape[2], columns: shape[0]) : values)
        }
        return result
    }

    /// Backpropagates `gradients` (tap name → dLoss/d(activation), `[C, h, w]`; missing taps
    /// count as zero) and returns dLoss/dImage `[3, H, W]`.
    public func backward(_ gradients: [String: Tensor]) throws -> Tensor {
        guard let plan else { throw VGGError.notRun("the backward pass") }
        for (i, tap) in taps.enumerated() {
            if let g = gradients[tap.name], g.shape != plan.tapShapes[i] {
                throw VGGError.badShape(expected: plan.tapShapes[i], got: g.shape, what: "gradient at \(tap.name)")
            }
        }
        var out = Tensor(zeros: [3, plan.height, plan.width])
        try out.data.withUnsafeMutableBufferPointer { image in
            try backward(into: image) { t, buffer in
                guard let g = gradients[taps[t].name] else { buffer.update(repeating: 0); return }
                let shape = plan.tapShapes[t]
                _ = buffer.update(from: options.tapLayout == .channelsLast
                                  ? Self.transpose(g.data, rows: shape[0], columns: shape[1] * shape[2]) : g.data)
            }
        }
        return out
    }

    /// A row-major `rows x columns` matrix transposed.
    static func transpose(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = values[r * columns + c] } }
        return out
    }
}

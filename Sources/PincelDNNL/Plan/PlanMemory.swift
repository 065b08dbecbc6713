import PincelCore
import PincelWeights
internal import CDNNL

/// The memory plan of one pass: the element type, where each activation lives, and the bytes
/// the plan holds.
///
/// Recomputation (``NetworkOptions/recomputeEarlyBlocks``): the convolution outputs of block 1,
/// of block 2 and of blocks 3-5 (three segments) share one region, each segment laid out from
/// its start, so a later segment overwrites the earlier ones; pool1 and pool2 outputs (the
/// segments' inputs) and the taps' plain copies are kept. The backward pass reruns block 2,
/// then block 1, before it needs them.
package final class PlanMemory {
    /// The network runs one image at a time (NCHW with N = 1).
    static let batch = 1
    /// RGB (BGR inside the network).
    static let imageChannels = 3
    /// Views into the shared region start on a page boundary, so each stays aligned.
    static let pageSize = 4096
    /// The blocks whose activations are recomputed in the backward pass instead of kept.
    static let recomputedBlocks = [1, 2]
    /// Region segments: 1 for block 1, 2 for block 2, 3 shared by blocks 3-5.
    static let segmentCount = 3
    /// The plan's byte count includes this many image-sized (`[1, 3, H, W]` f32) buffers: the
    /// plain input and its gradient, the first convolution's input in its own layout, and one
    /// for the image gradient before its reorder to plain (which now lives in the gradient
    /// buffers). ``MemoryEstimate`` is calibrated against this total; keep them in step.
    static let imageSizedBuffers = 4

    let engine: DNNLEngine
    let type: dnnl_data_type_t
    /// Whether blocks 1 and 2 are recomputed in the backward pass.
    let recomputes: Bool
    private let region: DNNLMemory?
    /// Next free byte of each segment (index 0 unused).
    private var cursor = [Int](repeating: 0, count: segmentCount + 1)
    /// Bytes held by the plan's buffers (activations, gradients, weights, scratchpad).
    private(set) var bytes = 0
    /// The part of ``bytes`` shared with other plans of the same network (weights, biases).
    private(set) var sharedBytes = 0

    /// Decides the layout for a pass up to operation `deepest` over `height x width`, and
    /// allocates the recompute region if there is one.
    init(deepest: Int, height: Int, width: Int, options: NetworkOptions, engine: DNNLEngine) throws {
        self.engine = engine
        type = options.precision == .bf16 ? dnnl_bf16 : dnnl_f32
        let lastRecomputedPool = Self.poolOperationIndex(block: Self.recomputedBlocks.last ?? 0)
        recomputes = options.recomputes(height: height, width: width) && deepest > lastRecomputedPool
        guard recomputes else { region = nil; return }
        let elementSize = type == dnnl_bf16 ? MemoryLayout<UInt16>.size : MemoryLayout<Float>.size
        var need = [Int](repeating: 0, count: Self.segmentCount + 1)
        var (h, w, block, conv) = (height, width, 1, 0)
        for opIndex in 0...deepest {
            if opIndex == Self.poolOperationIndex(block: block) {
                h /= 2; w /= 2; block += 1
            } else {
                need[Self.segment(ofBlock: block)] += Self.aligned(VGG19Architecture.convs[conv].outChannels * h * w * elementSize)
                conv += 1
            }
        }
        let size = need.max() ?? 0
        region = try DNNLMemory(MemoryDesc(dims: [size], type: dnnl_u8, tag: dnnl_a), engine: engine)
        bytes += size
    }

    /// The region segment that holds block `block`'s convolution outputs.
    package static func segment(ofBlock block: Int) -> Int { min(block, segmentCount) }

    /// `bytes` rounded up to a page, so views into a shared region stay aligned.
    package static func aligned(_ bytes: Int) -> Int { (bytes + pageSize - 1) / pageSize * pageSize }

    package static func poolOperationIndex(block: Int) -> Int { VGG19Layer.pool(block).operationIndex }

    /// A convolution output of block `block`: a view into the recompute region where it
    /// fits there, else a buffer of its own.
    func convolutionOutput(_ desc: MemoryDesc, block: Int) throws -> DNNLMemory {
        let s = Self.segment(ofBlock: block)
        if let region, cursor[s] + desc.byteSize <= region.desc.byteSize {
            let view = try DNNLMemory(desc, sharing: region, offset: cursor[s], engine: engine)
            cursor[s] += Self.aligned(desc.byteSize)
            return view
        }
        return try buffer(desc)
    }

    /// A buffer of the plan's own, counted in ``bytes``.
    func buffer(_ desc: MemoryDesc) throws -> DNNLMemory {
        let memory = try DNNLMemory(desc, engine: engine)
        bytes += desc.byteSize
        return memory
    }

    /// A buffer the byte count leaves out (covered by ``imageSizedBuffers``).
    func uncountedBuffer(_ desc: MemoryDesc) throws -> DNNLMemory {
        try DNNLMemory(desc, engine: engine)
    }

    /// Memory the plan uses from its network's ``WeightStore``.
    private(set) var shared: [DNNLMemory] = []

    /// Counts `bytes` more held by the plan.
    func count(_ bytes: Int) { self.bytes += bytes }

    /// Counts `memory`, which the plan shares with other plans of its network (weights).
    func countShared(_ memory: DNNLMemory) {
        bytes += memory.desc.byteSize
        sharedBytes += memory.desc.byteSize
        shared.append(memory)
    }

    /// `[1, 3, height, width]`: the image's dimensions.
    static func imageDims(height: Int, width: Int) -> [Int] { [batch, imageChannels, height, width] }

    /// A descriptor's dimensions.
    static func dims(of desc: MemoryDesc) -> [Int] {
        withUnsafeBytes(of: desc.raw.dims) { raw in
            Array(raw.bindMemory(to: dnnl_dim_t.self).prefix(Int(desc.raw.ndims))).map { Int($0) }
        }
    }
}

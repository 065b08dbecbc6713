import PincelCore
import PincelWeights
internal import CDNNL

/// The backward pass of a plan, from the deepest operation down to the plain image gradient.
///
/// Gradients flow through two ping-pong buffers sized for the largest activation: operation
/// `k`'s output gradient lives in one, its input gradient in the other. A tap's plain gradient
/// is written, just before it is needed, into the buffer that is free at that moment (the one
/// that receives the next gradient down), so taps cost no gradient memory of their own.
struct BackwardPass {
    /// Two buffers, alternating from one operation to the next.
    static let pingPongBuffers = 2

    /// The pass in stages: a stage first asks for its tap's gradient (if any), then runs its
    /// primitives.
    private(set) var stages: [(tap: Int?, steps: [DNNLPrimitive])] = []
    /// Plain f32 gradient for each tap in the tap layout, same order as the taps: views into the
    /// ping-pong buffers, valid only while their stage asks for them.
    private(set) var tapGradients: [DNNLMemory] = []
    /// oneDNN's implementation name of each backward convolution.
    private(set) var implementations: [String] = []

    init(forward: ForwardPass, tapOutputs: [DNNLMemory], inputGradient: DNNLMemory, height: Int, width: Int,
         options: NetworkOptions, memory: PlanMemory, weights: WeightStore) throws {
        let ops = forward.operations
        let taps = forward.tapCopies.taps
        guard let first = ops.first else { throw VGGError.noLayers }
        let deepest = ops.count - 1
        let engine = memory.engine
        let largest = ([first.src.desc.byteSize] + ops.map { $0.dst.desc.byteSize } + tapOutputs.map { $0.desc.byteSize }).max() ?? 0
        let bufferDesc = try MemoryDesc(dims: [largest], type: dnnl_u8, tag: dnnl_a)
        let buffers = try (0..<Self.pingPongBuffers).map { _ in try memory.buffer(bufferDesc) }
        /// A gradient laid out as `desc` in the buffer of operation `opIndex`'s output gradient
        /// (`opIndex` = -1: the image's).
        func gradientView(_ opIndex: Int, _ desc: MemoryDesc) throws -> DNNLMemory {
            try DNNLMemory(desc, sharing: buffers[(opIndex + Self.pingPongBuffers) % Self.pingPongBuffers], engine: engine)
        }
        var imageGradient: DNNLMemory?
        var gradientViews = [DNNLMemory?](repeating: nil, count: taps.count)
        for k in stride(from: deepest, through: 0, by: -1) {
            let op = ops[k]
            let diffOut = try gradientView(k, op.dst.desc)
            var steps: [DNNLPrimitive] = []
            if memory.recomputes,
               let b = PlanMemory.recomputedBlocks.first(where: { k == PlanMemory.poolOperationIndex(block: $0) - 1 }) {
                // The last convolution of block b: rerun the block from its kept input.
                let start = b == 1 ? 0 : PlanMemory.poolOperationIndex(block: b - 1) + 1
                steps += ops[start...k].compactMap(\.forwardStep)
            }
            let tap = taps.firstIndex { $0.operationIndex == k }
            if let t = tap {
                // The buffer that receives the next gradient down is free until then.
                let grad = try gradientView(k - 1, tapOutputs[t].desc)
                gradientViews[t] = grad
                steps.append(try VGGPrimitives.reorder(grad, into: diffOut, accumulate: k != deepest, engine: engine))
            }
            let diffIn: DNNLMemory
            if let conv = op.convIndex {
                diffIn = try convolution(conv, op, diffOut: diffOut, image: k == 0, height: height, width: width,
                                         options: options, memory: memory, weights: weights, into: &steps) {
                    try gradientView(k - 1, $0)
                }
            } else {
                diffIn = try gradientView(k - 1, op.src.desc)
                let pd = try VGGPrimitives.poolingBackward(diffSrc: op.src.desc, diffDst: op.dst.desc, mode: options.pooling,
                                                           hint: op.forward, engine: engine)
                var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_DIFF_DST, diffOut), (DNNL_ARG_DIFF_SRC, diffIn)]
                if let ws = op.workspace { args.append((DNNL_ARG_WORKSPACE, ws)) }
                steps.append(try DNNLPrimitive(pd, args: args))
            }
            if k == 0 { imageGradient = diffIn }
            stages.append((tap, steps))
        }
        tapGradients = gradientViews.compactMap { $0 }
        guard let diffImage = imageGradient else { throw VGGError.noLayers }
        stages.append((nil, [try VGGPrimitives.reorder(diffImage, into: inputGradient, engine: engine)]))
    }

    /// The ReLU's and convolution `conv`'s backward steps for operation `op`, from `diffOut` into
    /// a gradient `view` gives in the layout the convolution chose (returned).
    private mutating func convolution(_ conv: Int, _ op: PlanOperation, diffOut: DNNLMemory, image: Bool, height: Int,
                                      width: Int, options: NetworkOptions, memory: PlanMemory, weights: WeightStore,
                                      into steps: inout [DNNLPrimitive],
                                      view: (MemoryDesc) throws -> DNNLMemory) throws -> DNNLMemory {
        let spec = VGG19Architecture.convs[conv]
        let reluPD = try VGGPrimitives.reluBackward(dst: op.dst.desc, engine: memory.engine)
        steps.append(try DNNLPrimitive(reluPD, args: [(DNNL_ARG_DST, op.dst), (DNNL_ARG_DIFF_DST, diffOut),
                                                      (DNNL_ARG_DIFF_SRC, diffOut)]))
        // The image gradient's layout is free (the 3-channel input's own layout may
        // only have a slow reference backward); a reorder makes it plain afterwards.
        let diffSrcDesc = image
            ? try MemoryDesc(dims: PlanMemory.imageDims(height: height, width: width), type: memory.type,
                             tag: dnnl_format_tag_any)
            : op.src.desc
        let (oh, ow) = op.dst.desc.spatial
        let algorithm = VGGPrimitives.algorithm(options.algorithm, inChannels: spec.inChannels, channels: spec.outChannels,
                                                height: oh, width: ow, backward: true)
        let pd = try VGGPrimitives.convolutionBackwardData(diffSrc: diffSrcDesc, diffDst: op.dst.desc,
                                                           inChannels: spec.inChannels, outChannels: spec.outChannels,
                                                           type: memory.type, algorithm: algorithm,
                                                           hint: op.forward, engine: memory.engine)
        let diffIn = try view(pd.md(dnnl_query_diff_src_md))
        let wts = try weights.weights(conv: conv, layout: pd.md(dnnl_query_weights_md))
        memory.countShared(wts)
        steps.append(try DNNLPrimitive(pd, args: [(DNNL_ARG_DIFF_DST, diffOut), (DNNL_ARG_WEIGHTS, wts),
                                                  (DNNL_ARG_DIFF_SRC, diffIn)]))
        implementations.append("\(spec.name) bwd: \(pd.implementation)")
        return diffIn
    }
}

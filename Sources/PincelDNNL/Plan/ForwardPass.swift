import PincelCore
import PincelWeights
internal import CDNNL

/// One operation of the forward pass, as the backward pass needs it.
struct PlanOperation {
    var forward: DNNLPrimitiveDesc
    var src: DNNLMemory
    var dst: DNNLMemory
    /// Position in ``VGG19Architecture/convs``; `nil` for a pooling.
    var convIndex: Int?
    var workspace: DNNLMemory?
    /// A convolution's step, rerun when its block is recomputed.
    var forwardStep: DNNLPrimitive?
}

/// The forward pass of a plan: the plain input reordered once into the layout the first
/// convolution chose, then every convolution (ReLU fused) and pooling in order, each output
/// kept in oneDNN's blocked layout, with the taps' plain copies made along the way.
struct ForwardPass {
    private(set) var operations: [PlanOperation] = []
    private(set) var steps: [DNNLPrimitive] = []
    /// oneDNN's implementation name of each forward convolution.
    private(set) var implementations: [String] = []
    private(set) var tapCopies: TapCopies

    init(input: DNNLMemory, deepest: Int, taps: [VGG19Layer], height: Int, width: Int, options: NetworkOptions,
         memory: PlanMemory, weights: WeightStore) throws {
        tapCopies = TapCopies(taps: taps, layout: options.tapLayout)
        var current: DNNLMemory? = nil
        var (h, w, channels) = (height, width, PlanMemory.imageChannels)
        var (conv, block) = (0, 1)
        for opIndex in 0...deepest {
            let operation: PlanOperation
            if opIndex == PlanMemory.poolOperationIndex(block: block) {
                guard let src = current else { throw VGGError.noLayers }
                operation = try pooling(src: src, channels: channels, height: h / 2, width: w / 2,
                                        mode: options.pooling, memory: memory)
                h /= 2; w /= 2
                block += 1
            } else {
                operation = try convolution(conv, after: current, input: input, block: block, height: h, width: w,
                                            options: options, memory: memory, weights: weights)
                channels = VGG19Architecture.convs[conv].outChannels
                conv += 1
            }
            operations.append(operation)
            current = operation.dst
            try tapCopies.copy(operation: opIndex, activation: operation.dst, into: &steps, memory: memory)
        }
    }

    private mutating func pooling(src: DNNLMemory, channels: Int, height: Int, width: Int, mode: PoolingMode,
                                  memory: PlanMemory) throws -> PlanOperation {
        let dstAny = try MemoryDesc(dims: [PlanMemory.batch, channels, height, width], type: memory.type, tag: dnnl_format_tag_any)
        let pd = try VGGPrimitives.poolingForward(src: src.desc, dst: dstAny, mode: mode, engine: memory.engine)
        let dst = try memory.buffer(pd.md(dnnl_query_dst_md))
        let wsDesc = pd.md(dnnl_query_workspace_md)
        let ws = wsDesc.byteSize > 0 ? try memory.buffer(wsDesc) : nil
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src), (DNNL_ARG_DST, dst)]
        if let ws { args.append((DNNL_ARG_WORKSPACE, ws)) }
        steps.append(try DNNLPrimitive(pd, args: args))
        return PlanOperation(forward: pd, src: src, dst: dst, convIndex: nil, workspace: ws)
    }

    /// Convolution `conv` on `previous` (the input image when `nil`, reordered first).
    private mutating func convolution(_ conv: Int, after previous: DNNLMemory?, input: DNNLMemory, block: Int,
                                      height: Int, width: Int, options: NetworkOptions, memory: PlanMemory,
                                      weights: WeightStore) throws -> PlanOperation {
        let spec = VGG19Architecture.convs[conv]
        let srcDesc = try previous?.desc
            ?? MemoryDesc(dims: PlanMemory.imageDims(height: height, width: width), type: memory.type, tag: dnnl_format_tag_any)
        let algorithm = VGGPrimitives.algorithm(options.algorithm, inChannels: spec.inChannels, channels: spec.outChannels,
                                                height: height, width: width, backward: false)
        let pd = try VGGPrimitives.convolutionForward(src: srcDesc, inChannels: spec.inChannels, outChannels: spec.outChannels,
                                                      height: height, width: width, type: memory.type,
                                                      algorithm: algorithm, engine: memory.engine)
        let src: DNNLMemory
        if let previous { src = previous } else {
            src = try memory.uncountedBuffer(pd.md(dnnl_query_src_md))
            steps.append(try VGGPrimitives.reorder(input, into: src, engine: memory.engine))
        }
        let dst = try memory.convolutionOutput(pd.md(dnnl_query_dst_md), block: block)
        let wts = try weights.weights(conv: conv, layout: pd.md(dnnl_query_weights_md))
        let bias = try weights.bias(conv: conv)
        memory.countShared(wts)
        memory.countShared(bias)
        let step = try DNNLPrimitive(pd, args: [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, wts),
                                                (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, dst)])
        steps.append(step)
        implementations.append("\(spec.name) fwd: \(pd.implementation)")
        return PlanOperation(forward: pd, src: src, dst: dst, convIndex: conv, forwardStep: step)
    }
}

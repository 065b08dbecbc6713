import CDNNL

/// Every primitive and buffer of one VGG19 pass for one image size, built once and
/// reused for every iteration (nothing is allocated per pass).
///
/// Layouts: the image enters as plain NCHW f32 and is reordered once into the layout the
/// first convolution chose; inside the network every activation stays in oneDNN's
/// blocked layout. Taps are reordered to plain f32 (`[C, h, w]` or `[h, w, C]`, as
/// `NetworkOptions.tapLayout` says) after the forward pass, and their gradients reordered back
/// (accumulating) during the backward pass.
/// Gradients flow through two ping-pong buffers sized for the largest activation; a tap's
/// plain gradient is written, just before it is needed, into the buffer that is free at
/// that moment, so taps cost no gradient memory of their own.
final class NetworkPlan {
    let height: Int
    let width: Int
    let taps: [VGG19Layer]
    /// Plain `[1, 3, H, W]` f32 input in Caffe order (BGR, mean subtracted).
    let input: DNNLMemory
    /// Plain `[1, 3, H, W]` f32 gradient with respect to `input`.
    let inputGradient: DNNLMemory
    /// Plain f32 activation of each tap in the tap layout, same order as `taps`.
    let tapOutputs: [DNNLMemory]
    /// Plain f32 gradient for each tap in the tap layout, same order as `taps`: views into the
    /// ping-pong buffers, valid only while ``backward(tapGradient:)`` asks for them.
    private var tapGradients: [DNNLMemory] = []
    /// Shapes `[C, h, w]` of the taps (whatever their layout).
    let tapShapes: [[Int]]
    /// oneDNN's implementation name for each forward and backward convolution.
    private(set) var implementations: [String] = []
    /// Bytes held by this plan's buffers (activations, gradients, weights, scratchpad).
    private(set) var bytes = 0

    private var forwardSteps: [DNNLPrimitive] = []
    /// The backward pass in stages: a stage first asks for its tap's gradient (if any),
    /// then runs its primitives.
    private var backwardStages: [(tap: Int?, steps: [DNNLPrimitive])] = []
    private let stream: DNNLStream

    // Per-operation state collected while building.
    private struct Op {
        var forward: DNNLPrimitiveDesc
        var src: DNNLMemory
        var dst: DNNLMemory
        var convIndex: Int?         // nil for pooling
        var workspace: DNNLMemory?
        var weightsPlain: DNNLMemory?
        var forwardStep: DNNLPrimitive?  // convolutions: rerun when their block is recomputed
    }


    init(weights: VGG19Weights, taps: [VGG19Layer], height: Int, width: Int,
         options: NetworkOptions, engine: DNNLEngine, stream: DNNLStream) throws {
        self.height = height
        self.width = width
        self.taps = taps
        self.stream = stream
        let dt = options.precision == .bf16 ? dnnl_bf16 : dnnl_f32
        let deepest = taps.map(\.operationIndex).max() ?? 0

        input = try DNNLMemory(MemoryDesc(dims: [1, 3, height, width], type: dnnl_f32, tag: dnnl_abcd), engine: engine)
        inputGradient = try DNNLMemory(input.desc, engine: engine)

        // Recomputation: the convolution outputs of block 1, of block 2 and of blocks 3-5 (three
        // segments) share one region, each segment laid out from its start, so a later segment
        // overwrites the earlier ones; pool1 and pool2 outputs (the segments' inputs) and the taps'
        // plain copies are kept. The backward pass reruns block 2, then block 1, before it needs them.
        let recomputes = options.recomputes(height: height, width: width) && deepest > Self.poolOperationIndex(block: 2)
        let region: DNNLMemory?
        var regionCursor = [0, 0, 0, 0]   // next free byte of segments 1...3
        if recomputes {
            let elementSize = dt == dnnl_bf16 ? 2 : 4
            var need = [0, 0, 0, 0]
            var (hh, ww, b, ci) = (height, width, 1, 0)
            for opIndex in 0...deepest {
                if opIndex == Self.poolOperationIndex(block: b) {
                    hh /= 2; ww /= 2; b += 1
                } else {
                    need[min(b, 3)] += Self.aligned(VGG19Architecture.convs[ci].outChannels * hh * ww * elementSize)
                    ci += 1
                }
            }
            region = try DNNLMemory(MemoryDesc(dims: [need.max() ?? 0], type: dnnl_u8, tag: dnnl_a), engine: engine)
            bytes += need.max() ?? 0
        } else {
            region = nil
        }
        var outsByTap = [DNNLMemory?](repeating: nil, count: taps.count)
        var shapesByTap = [[Int]](repeating: [], count: taps.count)

        // Forward pass: build each operation in order.
        var ops: [Op] = []
        var current: DNNLMemory? = nil
        var h = height, w = width, channels = 3
        var convIndex = 0
        var block = 1
        for opIndex in 0...deepest {
            let isPool = opIndex == Self.poolOperationIndex(block: block)
            if isPool {
                guard let src = current else { throw VGGError.noLayers }
                let (oh, ow) = (h / 2, w / 2)
                let dstAny = try MemoryDesc(dims: [1, channels, oh, ow], type: dt, tag: dnnl_format_tag_any)
                let pd = try Self.poolingForward(src: src.desc, dst: dstAny, mode: options.pooling, engine: engine)
                let dst = try DNNLMemory(pd.md(dnnl_query_dst_md), engine: engine)
                bytes += dst.desc.byteSize
                let wsDesc = pd.md(dnnl_query_workspace_md)
                let ws = wsDesc.byteSize > 0 ? try DNNLMemory(wsDesc, engine: engine) : nil
                var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src), (DNNL_ARG_DST, dst)]
                if let ws { args.append((DNNL_ARG_WORKSPACE, ws)) }
                forwardSteps.append(try DNNLPrimitive(pd, args: args))
                ops.append(Op(forward: pd, src: src, dst: dst, convIndex: nil, workspace: ws))
                current = dst
                h = oh; w = ow
                block += 1
            } else {
                let spec = VGG19Architecture.convs[convIndex]
                let cw = weights.convs[convIndex]
                let srcDesc = try current?.desc ?? MemoryDesc(dims: [1, 3, h, w], type: dt, tag: dnnl_format_tag_any)
                let pd = try Self.convolutionForward(src: srcDesc, inChannels: spec.inChannels, outChannels: spec.outChannels,
                                                     height: h, width: w, type: dt, algorithm: Self.algorithm(options.algorithm, inChannels: spec.inChannels, channels: spec.outChannels, height: h, width: w, backward: false),
                                                     engine: engine)
                let src: DNNLMemory
                if let current { src = current } else {
                    src = try DNNLMemory(pd.md(dnnl_query_src_md), engine: engine)
                    forwardSteps.append(try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: input.desc, to: src.desc, engine: engine),
                                                          args: [(DNNL_ARG_FROM, input), (DNNL_ARG_TO, src)]))
                }
                let dstDesc = pd.md(dnnl_query_dst_md)
                let segment = min(block, 3)
                let dst: DNNLMemory
                if let region, regionCursor[segment] + dstDesc.byteSize <= region.desc.byteSize {
                    dst = try DNNLMemory(dstDesc, sharing: region, offset: regionCursor[segment], engine: engine)
                    regionCursor[segment] += Self.aligned(dstDesc.byteSize)
                } else {
                    dst = try DNNLMemory(dstDesc, engine: engine)
                    bytes += dstDesc.byteSize
                }
                let plainW = try DNNLMemory(MemoryDesc(dims: [spec.outChannels, spec.inChannels, 3, 3], type: dnnl_f32, tag: dnnl_abcd), engine: engine)
                Self.copy(cw.weights.data, into: plainW)
                let wts = try Self.reordered(plainW, to: pd.md(dnnl_query_weights_md), engine: engine, stream: stream)
                let bias = try DNNLMemory(MemoryDesc(dims: [spec.outChannels], type: dnnl_f32, tag: dnnl_a), engine: engine)
                Self.copy(cw.bias, into: bias)
                let step = try DNNLPrimitive(pd, args: [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, wts),
                                                        (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, dst)])
                forwardSteps.append(step)
                implementations.append("\(spec.name) fwd: \(pd.implementation)")
                ops.append(Op(forward: pd, src: src, dst: dst, convIndex: convIndex, weightsPlain: plainW, forwardStep: step))
                bytes += wts.desc.byteSize + bias.desc.byteSize
                current = dst
                channels = spec.outChannels
                convIndex += 1
            }
            if let ws = ops.last?.workspace { bytes += ws.desc.byteSize }
            // Taps: plain copies made right after their layer (before a recomputed block's
            // region is overwritten by the next block).
            for (t, tap) in taps.enumerated() where tap.operationIndex == opIndex {
                guard let op = ops.last else { throw VGGError.noLayers }
                let dims = Self.dims(of: op.dst.desc)
                let plain = try MemoryDesc(dims: dims, type: dnnl_f32,
                                           tag: options.tapLayout == .channelsLast ? dnnl_acdb : dnnl_abcd)
                let out = try DNNLMemory(plain, engine: engine)
                forwardSteps.append(try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: op.dst.desc, to: plain, engine: engine),
                                                      args: [(DNNL_ARG_FROM, op.dst), (DNNL_ARG_TO, out)]))
                outsByTap[t] = out
                shapesByTap[t] = Array(dims.dropFirst())
                bytes += plain.byteSize
            }
        }
        let outs = outsByTap.compactMap { $0 }
        guard outs.count == taps.count else { throw VGGError.noLayers }
        tapOutputs = outs; tapShapes = shapesByTap

        // Backward pass: two ping-pong gradient buffers, each as large as the largest activation.
        let largest = ([ops[0].src.desc.byteSize] + ops.map { $0.dst.desc.byteSize } + outs.map { $0.desc.byteSize }).max() ?? 0
        let bufferDesc = try MemoryDesc(dims: [largest], type: dnnl_u8, tag: dnnl_a)
        let buffers = [try DNNLMemory(bufferDesc, engine: engine), try DNNLMemory(bufferDesc, engine: engine)]
        bytes += 2 * largest
        func gradientView(_ opIndex: Int, _ desc: MemoryDesc) throws -> DNNLMemory {
            try DNNLMemory(desc, sharing: buffers[(opIndex + 2) % 2], engine: engine)
        }
        var imageGradient: DNNLMemory?
        var gradientViews = [DNNLMemory?](repeating: nil, count: taps.count)
        for k in stride(from: deepest, through: 0, by: -1) {
            let op = ops[k]
            let diffOut = try gradientView(k, op.dst.desc)
            var backwardSteps: [DNNLPrimitive] = []
            if recomputes, let b = [1, 2].first(where: { k == Self.poolOperationIndex(block: $0) - 1 }) {
                // The last convolution of block b: rerun the block from its kept input.
                let first = b == 1 ? 0 : Self.poolOperationIndex(block: b - 1) + 1
                backwardSteps += ops[first...k].compactMap(\.forwardStep)
            }
            let tap = taps.firstIndex { $0.operationIndex == k }
            if let t = tap {
                // The buffer that receives the next gradient down is free until then.
                let grad = try gradientView(k - 1, outs[t].desc)
                gradientViews[t] = grad
                let pd = try DNNLPrimitiveDesc(reorderFrom: grad.desc, to: op.dst.desc, engine: engine, accumulate: k != deepest)
                backwardSteps.append(try DNNLPrimitive(pd, args: [(DNNL_ARG_FROM, grad), (DNNL_ARG_TO, diffOut)]))
            }
            if let ci = op.convIndex, let plainW = op.weightsPlain {
                let spec = VGG19Architecture.convs[ci]
                let reluPD = try Self.reluBackward(dst: op.dst.desc, engine: engine)
                backwardSteps.append(try DNNLPrimitive(reluPD, args: [(DNNL_ARG_DST, op.dst), (DNNL_ARG_DIFF_DST, diffOut),
                                                                      (DNNL_ARG_DIFF_SRC, diffOut)]))
                // The image gradient's layout is free (the 3-channel input's own layout may
                // only have a slow reference backward); a reorder makes it plain afterwards.
                let diffSrcDesc = k == 0
                    ? try MemoryDesc(dims: [1, 3, height, width], type: dt, tag: dnnl_format_tag_any) : op.src.desc
                let pd = try Self.convolutionBackwardData(diffSrc: diffSrcDesc, diffDst: op.dst.desc,
                                                          inChannels: spec.inChannels, outChannels: spec.outChannels,
                                                          type: dt,
                                                          algorithm: Self.algorithm(options.algorithm, inChannels: spec.inChannels,
                                                                                    channels: spec.outChannels,
                                                                                    height: op.dst.desc.spatial.0,
                                                                                    width: op.dst.desc.spatial.1, backward: true),
                                                          hint: op.forward, engine: engine)
                let diffIn = try gradientView(k - 1, pd.md(dnnl_query_diff_src_md))
                if k == 0 { imageGradient = diffIn }
                let wts = try Self.reordered(plainW, to: pd.md(dnnl_query_weights_md), engine: engine, stream: stream)
                bytes += wts.desc.byteSize
                backwardSteps.append(try DNNLPrimitive(pd, args: [(DNNL_ARG_DIFF_DST, diffOut), (DNNL_ARG_WEIGHTS, wts),
                                                                  (DNNL_ARG_DIFF_SRC, diffIn)]))
                implementations.append("\(spec.name) bwd: \(pd.implementation)")
            } else {
                let diffIn = try gradientView(k - 1, op.src.desc)
                let pd = try Self.poolingBackward(diffSrc: op.src.desc, diffDst: op.dst.desc, mode: options.pooling,
                                                  hint: op.forward, engine: engine)
                var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_DIFF_DST, diffOut), (DNNL_ARG_DIFF_SRC, diffIn)]
                if let ws = op.workspace { args.append((DNNL_ARG_WORKSPACE, ws)) }
                backwardSteps.append(try DNNLPrimitive(pd, args: args))
            }
            backwardStages.append((tap, backwardSteps))
        }
        tapGradients = gradientViews.compactMap { $0 }
        guard let diffImage = imageGradient else { throw VGGError.noLayers }
        backwardStages.append((nil, [try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: diffImage.desc, to: inputGradient.desc, engine: engine),
                                                         args: [(DNNL_ARG_FROM, diffImage), (DNNL_ARG_TO, inputGradient)])]))

        // One scratchpad shared by every primitive (they run one at a time).
        let steps = forwardSteps + backwardStages.flatMap(\.steps)
        let scratch = steps.map { $0.desc.md(dnnl_query_scratchpad_md).byteSize }.max() ?? 0
        if scratch > 0 {
            let pad = try DNNLMemory(MemoryDesc(dims: [scratch], type: dnnl_u8, tag: dnnl_a), engine: engine)
            for step in steps where step.desc.md(dnnl_query_scratchpad_md).byteSize > 0 {
                step.bind(DNNL_ARG_SCRATCHPAD, pad)
            }
            bytes += scratch
        }
        bytes += 4 * input.desc.byteSize
    }

    /// Runs the forward pass on `input`; afterwards `tapOutputs` hold the activations.
    func forward() throws {
        for step in forwardSteps { try step.execute(on: stream) }
        try stream.wait()
    }

    /// Runs the backward pass; afterwards `inputGradient` holds dLoss/dInput. When the pass
    /// reaches tap `t` it calls `tapGradient(t, buffer)`, which must write every value of
    /// dLoss/d(activation t) (`[C, h, w]`, plain f32) into `buffer` (its old contents are
    /// garbage). Needs the activations of the last `forward()`.
    func backward(tapGradient: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        for stage in backwardStages {
            if let t = stage.tap {
                try stream.wait()
                try tapGradient(t, tapGradients[t].floats)
            }
            for step in stage.steps { try step.execute(on: stream) }
        }
        try stream.wait()
    }

    // MARK: - Building blocks

    private static func reordered(_ plain: DNNLMemory, to desc: MemoryDesc, engine: DNNLEngine, stream: DNNLStream) throws -> DNNLMemory {
        let out = try DNNLMemory(desc, engine: engine)
        let prim = try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: plain.desc, to: desc, engine: engine),
                                     args: [(DNNL_ARG_FROM, plain), (DNNL_ARG_TO, out)])
        try prim.execute(on: stream)
        try stream.wait()
        return out
    }

    /// Winograd's scratchpad grows with channels x pixels; a layer above this size uses
    /// direct convolution, so a 2048x2048 pass stays within 12 GB (all-Winograd needed
    /// 12.5 GB of buffers there). Up to 1024x1024 every layer that can use Winograd does.
    static let winogradSizeLimit = 64 * 1024 * 1024

    /// The first layer's forward pass (3 input channels) is direct: Winograd's transforms cost
    /// more than they save there (at 512 px, 6 vs 21 ms by ONEDNN_VERBOSE; its backward pass
    /// measured faster with Winograd, so that keeps it).
    static func algorithm(_ requested: ConvolutionAlgorithm, inChannels: Int, channels: Int, height: Int, width: Int,
                          backward: Bool) -> ConvolutionAlgorithm {
        if inChannels == 3 && !backward { return .direct }
        return requested == .winograd && channels * height * width > winogradSizeLimit ? .direct : requested
    }

    /// `bytes` rounded up to a page, so views into a shared region stay aligned.
    static func aligned(_ bytes: Int) -> Int { (bytes + 4095) / 4096 * 4096 }

    static func poolOperationIndex(block: Int) -> Int {
        VGG19Layer.pool(block).operationIndex
    }

    static func dims(of desc: MemoryDesc) -> [Int] {
        withUnsafeBytes(of: desc.raw.dims) { raw in
            Array(raw.bindMemory(to: dnnl_dim_t.self).prefix(Int(desc.raw.ndims))).map { Int($0) }
        }
    }

    private static func copy(_ values: [Float], into memory: DNNLMemory) {
        let dst = memory.floats
        values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress, let d = dst.baseAddress else { return }
            d.update(from: base, count: min(src.count, dst.count))
        }
    }

    private static let one: [dnnl_dim_t] = [1, 1]
    private static let two: [dnnl_dim_t] = [2, 2]
    private static let zero: [dnnl_dim_t] = [0, 0]

    private static func convolutionForward(src: MemoryDesc, inChannels: Int, outChannels: Int, height: Int, width: Int,
                                           type: dnnl_data_type_t, algorithm: ConvolutionAlgorithm,
                                           engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = src.raw
        var wt = try MemoryDesc(dims: [outChannels, inChannels, 3, 3], type: type, tag: dnnl_format_tag_any).raw
        var b = try MemoryDesc(dims: [outChannels], type: dnnl_f32, tag: dnnl_a).raw
        var d = try MemoryDesc(dims: [1, outChannels, height, width], type: type, tag: dnnl_format_tag_any).raw
        let attr = try DNNLAttributes(fuseReLU: true)
        func make(_ alg: dnnl_alg_kind_t) throws -> DNNLPrimitiveDesc {
            var cd = dnnl_convolution_desc_t()
            try dnnlCheck(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, alg, &s, &wt, &b, &d, one, one, one),
                          "convolution_forward_desc_init")
            return try DNNLPrimitiveDesc(cd, attributes: attr, engine: engine, what: "convolution forward")
        }
        if algorithm == .winograd && type == dnnl_f32, let pd = try? make(dnnl_convolution_winograd) { return pd }
        return try make(dnnl_convolution_direct)
    }

    private static func convolutionBackwardData(diffSrc: MemoryDesc, diffDst: MemoryDesc, inChannels: Int, outChannels: Int,
                                                type: dnnl_data_type_t, algorithm: ConvolutionAlgorithm,
                                                hint: DNNLPrimitiveDesc, engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = diffSrc.raw, d = diffDst.raw
        var wt = try MemoryDesc(dims: [outChannels, inChannels, 3, 3], type: type, tag: dnnl_format_tag_any).raw
        let attr = try DNNLAttributes()
        func make(_ alg: dnnl_alg_kind_t) throws -> DNNLPrimitiveDesc {
            var cd = dnnl_convolution_desc_t()
            try dnnlCheck(dnnl_convolution_backward_data_desc_init(&cd, alg, &s, &wt, &d, one, one, one),
                          "convolution_backward_data_desc_init")
            return try DNNLPrimitiveDesc(cd, attributes: attr, engine: engine, hint: hint, what: "convolution backward data")
        }
        if algorithm == .winograd && type == dnnl_f32, let pd = try? make(dnnl_convolution_winograd) { return pd }
        return try make(dnnl_convolution_direct)
    }

    private static func reluBackward(dst: MemoryDesc, engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var md = dst.raw
        var fd = dnnl_eltwise_desc_t()
        try dnnlCheck(dnnl_eltwise_forward_desc_init(&fd, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd, &md, 0, 0),
                      "eltwise_forward_desc_init")
        let hint = try DNNLPrimitiveDesc(fd, attributes: nil, engine: engine, what: "relu forward (hint)")
        var bd = dnnl_eltwise_desc_t()
        try dnnlCheck(dnnl_eltwise_backward_desc_init(&bd, dnnl_eltwise_relu_use_dst_for_bwd, &md, &md, 0, 0),
                      "eltwise_backward_desc_init")
        return try DNNLPrimitiveDesc(bd, attributes: DNNLAttributes(), engine: engine, hint: hint, what: "relu backward")
    }

    private static func poolingAlgorithm(_ mode: PoolingMode) -> dnnl_alg_kind_t {
        mode == .max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding
    }

    private static func poolingForward(src: MemoryDesc, dst: MemoryDesc, mode: PoolingMode,
                                       engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = src.raw, d = dst.raw
        var pd = dnnl_pooling_desc_t()
        try dnnlCheck(dnnl_pooling_forward_desc_init(&pd, dnnl_forward_training, poolingAlgorithm(mode), &s, &d, two, two, zero, zero),
                      "pooling_forward_desc_init")
        return try DNNLPrimitiveDesc(pd, attributes: DNNLAttributes(), engine: engine, what: "pooling forward")
    }

    private static func poolingBackward(diffSrc: MemoryDesc, diffDst: MemoryDesc, mode: PoolingMode,
                                        hint: DNNLPrimitiveDesc, engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = diffSrc.raw, d = diffDst.raw
        var pd = dnnl_pooling_desc_t()
        try dnnlCheck(dnnl_pooling_backward_desc_init(&pd, poolingAlgorithm(mode), &s, &d, two, two, zero, zero),
                      "pooling_backward_desc_init")
        return try DNNLPrimitiveDesc(pd, attributes: DNNLAttributes(), engine: engine, hint: hint, what: "pooling backward")
    }
}

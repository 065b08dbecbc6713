import PincelCore
import PincelWeights
internal import CDNNL

/// The primitive descriptors a VGG19 plan is made of: 3x3 convolutions with a fused ReLU,
/// their backward-data passes, the ReLU's backward pass and 2x2 pooling.
package enum VGGPrimitives {
    /// Every VGG19 convolution is 3x3 (``VGG19Architecture``).
    static let kernelSide = 3
    /// Convolution strides: 1 in both directions.
    private static let convolutionStrides: [dnnl_dim_t] = [1, 1]
    /// Convolution padding on each side: 1 pixel, so a 3x3 kernel keeps the size ("same").
    private static let convolutionPadding: [dnnl_dim_t] = [1, 1]
    /// Pooling window: 2x2 …
    private static let poolingKernel: [dnnl_dim_t] = [2, 2]
    /// … moved by 2, so each pooling halves both sides (odd sides round down) …
    private static let poolingStrides: [dnnl_dim_t] = [2, 2]
    /// … without padding.
    private static let poolingPadding: [dnnl_dim_t] = [0, 0]
    /// oneDNN's `alpha`/`beta` of a plain ReLU (no leak, no clipping).
    private static let reluAlpha: Float = 0, reluBeta: Float = 0

    /// Winograd's scratchpad grows with channels x pixels; a layer above this size uses
    /// direct convolution, so a 2048x2048 pass stays within 12 GB (all-Winograd needed
    /// 12.5 GB of buffers there). Up to 1024x1024 every layer that can use Winograd does.
    static let winogradSizeLimit = 64 * 1024 * 1024

    /// The first layer's forward pass (3 input channels) is direct: Winograd's transforms cost
    /// more than they save there (measured with ONEDNN_VERBOSE; its backward pass measured
    /// faster with Winograd, so that keeps it).
    package static func algorithm(_ requested: ConvolutionAlgorithm, inChannels: Int, channels: Int, height: Int, width: Int,
                          backward: Bool) -> ConvolutionAlgorithm {
        if inChannels == PlanMemory.imageChannels && !backward { return .direct }
        return requested == .winograd && channels * height * width > winogradSizeLimit ? .direct : requested
    }

    /// The weights' dimensions `[out, in, 3, 3]` (OIHW).
    static func weightDims(inChannels: Int, outChannels: Int) -> [Int] {
        [outChannels, inChannels, kernelSide, kernelSide]
    }

    static func convolutionForward(src: MemoryDesc, inChannels: Int, outChannels: Int, height: Int, width: Int,
                                   type: dnnl_data_type_t, algorithm: ConvolutionAlgorithm,
                                   engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = src.raw
        var wt = try MemoryDesc(dims: weightDims(inChannels: inChannels, outChannels: outChannels), type: type,
                                tag: dnnl_format_tag_any).raw
        var b = try MemoryDesc(dims: [outChannels], type: dnnl_f32, tag: dnnl_a).raw
        var d = try MemoryDesc(dims: [PlanMemory.batch, outChannels, height, width], type: type, tag: dnnl_format_tag_any).raw
        let attr = try DNNLAttributes(fuseReLU: true)
        func make(_ alg: dnnl_alg_kind_t) throws -> DNNLPrimitiveDesc {
            var cd = dnnl_convolution_desc_t()
            try dnnlCheck(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, alg, &s, &wt, &b, &d,
                                                             convolutionStrides, convolutionPadding, convolutionPadding),
                          "convolution_forward_desc_init")
            return try DNNLPrimitiveDesc(cd, attributes: attr, engine: engine, what: "convolution forward")
        }
        if algorithm == .winograd && type == dnnl_f32, let pd = try? make(dnnl_convolution_winograd) { return pd }
        return try make(dnnl_convolution_direct)
    }

    static func convolutionBackwardData(diffSrc: MemoryDesc, diffDst: MemoryDesc, inChannels: Int, outChannels: Int,
                                        type: dnnl_data_type_t, algorithm: ConvolutionAlgorithm,
                                        hint: DNNLPrimitiveDesc, engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = diffSrc.raw, d = diffDst.raw
        var wt = try MemoryDesc(dims: weightDims(inChannels: inChannels, outChannels: outChannels), type: type,
                                tag: dnnl_format_tag_any).raw
        let attr = try DNNLAttributes()
        func make(_ alg: dnnl_alg_kind_t) throws -> DNNLPrimitiveDesc {
            var cd = dnnl_convolution_desc_t()
            try dnnlCheck(dnnl_convolution_backward_data_desc_init(&cd, alg, &s, &wt, &d, convolutionStrides,
                                                                   convolutionPadding, convolutionPadding),
                          "convolution_backward_data_desc_init")
            return try DNNLPrimitiveDesc(cd, attributes: attr, engine: engine, hint: hint, what: "convolution backward data")
        }
        if algorithm == .winograd && type == dnnl_f32, let pd = try? make(dnnl_convolution_winograd) { return pd }
        return try make(dnnl_convolution_direct)
    }

    /// The ReLU's backward pass computed from its output (which the plan keeps).
    static func reluBackward(dst: MemoryDesc, engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var md = dst.raw
        var fd = dnnl_eltwise_desc_t()
        try dnnlCheck(dnnl_eltwise_forward_desc_init(&fd, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd, &md,
                                                     reluAlpha, reluBeta),
                      "eltwise_forward_desc_init")
        let hint = try DNNLPrimitiveDesc(fd, attributes: nil, engine: engine, what: "relu forward (hint)")
        var bd = dnnl_eltwise_desc_t()
        try dnnlCheck(dnnl_eltwise_backward_desc_init(&bd, dnnl_eltwise_relu_use_dst_for_bwd, &md, &md, reluAlpha, reluBeta),
                      "eltwise_backward_desc_init")
        return try DNNLPrimitiveDesc(bd, attributes: DNNLAttributes(), engine: engine, hint: hint, what: "relu backward")
    }

    private static func poolingAlgorithm(_ mode: PoolingMode) -> dnnl_alg_kind_t {
        mode == .max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding
    }

    static func poolingForward(src: MemoryDesc, dst: MemoryDesc, mode: PoolingMode,
                               engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = src.raw, d = dst.raw
        var pd = dnnl_pooling_desc_t()
        try dnnlCheck(dnnl_pooling_forward_desc_init(&pd, dnnl_forward_training, poolingAlgorithm(mode), &s, &d,
                                                     poolingStrides, poolingKernel, poolingPadding, poolingPadding),
                      "pooling_forward_desc_init")
        return try DNNLPrimitiveDesc(pd, attributes: DNNLAttributes(), engine: engine, what: "pooling forward")
    }

    static func poolingBackward(diffSrc: MemoryDesc, diffDst: MemoryDesc, mode: PoolingMode,
                                hint: DNNLPrimitiveDesc, engine: DNNLEngine) throws -> DNNLPrimitiveDesc {
        var s = diffSrc.raw, d = diffDst.raw
        var pd = dnnl_pooling_desc_t()
        try dnnlCheck(dnnl_pooling_backward_desc_init(&pd, poolingAlgorithm(mode), &s, &d, poolingStrides, poolingKernel,
                                                      poolingPadding, poolingPadding),
                      "pooling_backward_desc_init")
        return try DNNLPrimitiveDesc(pd, attributes: DNNLAttributes(), engine: engine, hint: hint, what: "pooling backward")
    }

    /// A reorder between two layouts, run once now (used for weights).
    static func reorderNow(_ from: DNNLMemory, to desc: MemoryDesc, engine: DNNLEngine, stream: DNNLStream) throws -> DNNLMemory {
        let out = try DNNLMemory(desc, engine: engine)
        let prim = try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: from.desc, to: desc, engine: engine),
                                     args: [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, out)])
        try prim.execute(on: stream)
        try stream.wait()
        return out
    }

    /// A reorder step from `from` into `to` (accumulating into `to` when asked).
    static func reorder(_ from: DNNLMemory, into to: DNNLMemory, accumulate: Bool = false,
                        engine: DNNLEngine) throws -> DNNLPrimitive {
        try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: from.desc, to: to.desc, engine: engine, accumulate: accumulate),
                          args: [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)])
    }
}

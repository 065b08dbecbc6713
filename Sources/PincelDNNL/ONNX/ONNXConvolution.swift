import PincelCore
import PincelWeights
internal import CDNNL

/// An ONNX `Conv` with constant weights, run by oneDNN (f32, inference), with a primitive per
/// input shape.
///
/// Activations are read and written channels-last (`[N, H, W, C]`, ``ONNXValue/channelsLast``),
/// the layout of oneDNN's fastest f32 kernels here (`brgconv`), so no reorder runs between
/// convolutions; an input stored row-major is moved to channels-last first. Weights are
/// reordered once per shape into the layout the primitive chose. Scratchpads are user-managed
/// (bound per plan), so a convolution may run on any thread, one call at a time.
final class ONNXConvolution {
    struct Geometry: Equatable {
        var strides: [Int], dilations: [Int], padsBegin: [Int], padsEnd: [Int], groups: Int
    }

    /// One input shape's primitives and the memory bound to them.
    private final class Plan {
        /// Channels-last views of the caller's input and output (their data handles are set per call).
        let userSource: DNNLMemory, userDestination: DNNLMemory
        /// The convolution (with reorders in and out only if oneDNN insists on another layout).
        let steps: [DNNLPrimitive]
        let outputShape: [Int]

        init(userSource: DNNLMemory, userDestination: DNNLMemory, steps: [DNNLPrimitive], outputShape: [Int]) {
            self.userSource = userSource
            self.userDestination = userDestination
            self.steps = steps
            self.outputShape = outputShape
        }
    }

    /// `[O, C / groups, kh, kw]` (the model's).
    let weightShape: [Int]
    /// The weights as oneDNN runs them (see ``foldedColumns``).
    private let weights: [Float]
    /// `[O', C / groups, kh, kw']`: the model's shape, or `[kw·O, C, kh, 1]` when folded.
    private let runShape: [Int]
    private let bias: [Float]
    /// The kernel width folded into the output channels, or 1.
    ///
    /// oneDNN's kernels vectorise over output channels, 16 at a time, so a convolution to 3
    /// channels (the transformer's last, 9x9 from 8 channels: a quarter of its time) leaves 13
    /// of 16 lanes idle. Folded, it computes, for each of the `kw` kernel columns, the `kh` x 1
    /// convolution of that column (`kw·O` = 27 output channels), and ``addColumns(_:)`` sums
    /// column `kx`'s result `kx` pixels to the right into each output pixel.
    private let foldedColumns: Int
    /// Folding applies to fewer output channels than this…
    static let foldedBelowChannels = 8
    /// …and kernels at least this wide.
    static let foldedKernelWidth = 5
    let geometry: Geometry
    private let engine: DNNLEngine
    private let stream: DNNLStream
    private var plans: [[Int]: Plan] = [:]
    /// A clamp applied to the output (a `Relu` or `Clip` that read only this convolution's
    /// output, fused by ``ONNXFusion``): a oneDNN post-op, so no pass of its own.
    private(set) var clamp: (lower: Float, upper: Float)?

    /// Takes over the clamp that follows this convolution, unless the convolution is folded
    /// (its output is summed after oneDNN's pass) or has run already; `false` when not taken.
    func fuse(clamp lower: Float, _ upper: Float) -> Bool {
        guard foldedColumns == 1, plans.isEmpty, clamp == nil, lower <= upper else { return false }
        clamp = (lower, upper)
        return true
    }

    init(weights: ONNXValue, bias: ONNXValue?, geometry: Geometry, engine: DNNLEngine, stream: DNNLStream) throws {
        guard weights.shape.count == 4, geometry.groups >= 1, weights.shape[0] % geometry.groups == 0 else {
            throw ONNXError.unsupported("a Conv with weights of shape \(weights.shape) in \(geometry.groups) groups")
        }
        let outChannels = weights.shape[0]
        if let bias, bias.count != outChannels {
            throw ONNXError.unexpectedGraph("a Conv bias of \(bias.count) values for \(outChannels) channels")
        }
        weightShape = weights.shape
        self.bias = bias?.data ?? [Float](repeating: 0, count: outChannels)
        let c = weights.shape[1], kh = weights.shape[2], kw = weights.shape[3]
        if geometry.groups == 1, outChannels < Self.foldedBelowChannels, kw >= Self.foldedKernelWidth,
           geometry.strides[1] == 1, geometry.dilations[1] == 1, geometry.padsBegin[1] == 0, geometry.padsEnd[1] == 0 {
            // [O, C, kh, kw] → [kw·O, C, kh, 1]: output channel kx·O + o is column kx of filter o.
            var folded = [Float](repeating: 0, count: weights.count)
            for o in 0 ..< outChannels {
                for ci in 0 ..< c {
                    for ky in 0 ..< kh {
                        for kx in 0 ..< kw {
                            folded[((kx * outChannels + o) * c + ci) * kh + ky] = weights.data[((o * c + ci) * kh + ky) * kw + kx]
                        }
                    }
                }
            }
            self.weights = folded
            runShape = [kw * outChannels, c, kh, 1]
            foldedColumns = kw
        } else {
            self.weights = weights.data
            runShape = weights.shape
            foldedColumns = 1
        }
        self.geometry = geometry
        self.engine = engine
        self.stream = stream
    }

    /// The output shape for an `[N, C, H, W]` input, or an error naming what does not fit.
    func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 4, input[1] == weightShape[1] * geometry.groups else {
            throw ONNXRunError.shapes("Conv of \(input) with weights \(weightShape)")
        }
        var shape = [input[0], weightShape[0]]
        for a in 0 ..< 2 {
            let extent = input[2 + a] + geometry.padsBegin[a] + geometry.padsEnd[a]
            let kernel = (weightShape[2 + a] - 1) * geometry.dilations[a] + 1
            guard extent >= kernel else {
                throw ONNXRunError.shapes("Conv of \(input): a side of \(input[2 + a]) is smaller than the kernel")
            }
            shape.append((extent - kernel) / geometry.strides[a] + 1)
        }
        return shape
    }

    /// Runs the convolution on `x` (`[N, C, H, W]`).
    func run(_ value: ONNXValue) throws -> ONNXValue {
        if let out = try pointwiseOnOnePixel(value) { return out }
        let x = try value.inChannelsLast()
        let plan = try self.plan(for: x.shape)
        let count = plan.outputShape.reduce(1, *)
        // oneDNN writes every output value (so the array is not zeroed first) and only reads
        // the source (its array is lent as is, not copied).
        let out = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = count  // floats: nothing to deinitialise if the pass throws
            try x.data.withUnsafeBytes { src in
                guard let s = src.baseAddress, let d = buffer.baseAddress else { return }
                try plan.userSource.borrowing(UnsafeMutableRawPointer(mutating: s)) {
                    try plan.userDestination.borrowing(UnsafeMutableRawPointer(d)) {
                        for step in plan.steps { try step.execute(on: stream) }
                        try stream.wait()
                    }
                }
            }
        }
        let result = ONNXValue(shape: plan.outputShape, data: out, channelsLast: true)
        return foldedColumns > 1 ? addColumns(result) : result
    }

    /// The folded convolution's result (`[N, kw·O, H', W]`, channels-last) summed into the
    /// model's output `[N, O, H', W - kw + 1]`: pixel `x`, channel `o` is the bias plus, for
    /// each kernel column `kx`, channel `kx·O + o` of pixel `x + kx`.
    private func addColumns(_ folded: ONNXValue) -> ONNXValue {
        let o = weightShape[0], kw = foldedColumns, span = kw * o
        let rows = folded.shape[0] * folded.shape[2], width = folded.shape[3], outWidth = width - kw + 1
        let data = ONNXElementwise.filled(rows * outWidth * o) { d in
            folded.data.withUnsafeBufferPointer { s in
                bias.withUnsafeBufferPointer { b in
                    let s = s, b = b
                    ParallelChunks.run(rows, minimum: max(1, ParallelChunks.threshold / max(width * span, 1))) { range in
                        for r in range {
                            for x in 0 ..< outWidth {
                                let out = (r * outWidth + x) * o
                                for k in 0 ..< o { d[out + k] = b[k] }
                                for kx in 0 ..< kw {
                                    let source = (r * width + x + kx) * span + kx * o
                                    for k in 0 ..< o { d[out + k] += s[source + k] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ONNXValue(shape: [folded.shape[0], o, folded.shape[2], outWidth], data: data, channelsLast: true)
    }

    /// A 1x1 convolution of a single pixel (the style vector's projections) as a plain
    /// matrix-vector product: a oneDNN call costs more in thread start-up than the 3,200
    /// multiply-adds it would run. `nil` for any other convolution.
    private func pointwiseOnOnePixel(_ x: ONNXValue) throws -> ONNXValue? {
        guard x.shape.count == 4, x.shape[0] == 1, x.shape[2] == 1, x.shape[3] == 1, geometry.groups == 1,
              weightShape[2] == 1, weightShape[3] == 1, geometry.padsBegin.allSatisfy({ $0 == 0 }),
              geometry.padsEnd.allSatisfy({ $0 == 0 }) else { return nil }
        let outShape = try outputShape(for: x.shape)
        let inputs = weightShape[1], outputs = weightShape[0]
        var out = bias
        for o in 0 ..< outputs {
            var sum: Float = 0
            for i in 0 ..< inputs { sum += weights[o * inputs + i] * x.data[i] }
            out[o] += sum
            if let clamp { out[o] = min(max(out[o], clamp.lower), clamp.upper) }
        }
        return ONNXValue(shape: outShape, data: out)
    }

    private func plan(for input: [Int]) throws -> Plan {
        if let hit = plans[input] { return hit }
        var outShape = try outputShape(for: input)
        if foldedColumns > 1 { outShape[1] = runShape[0]; outShape[3] = input[3] }
        let desc = try primitiveDesc(input: input, output: outShape)
        let g = geometry.groups
        let plainWeights = try MemoryDesc(dims: weightDims, type: dnnl_f32, tag: g > 1 ? dnnl_abcde : dnnl_abcd)
        let weightMemory = try loadWeights(plain: plainWeights, chosen: desc.md(dnnl_query_weights_md))
        let biasMemory = try DNNLMemory(MemoryDesc(dims: [runShape[0]], type: dnnl_f32, tag: dnnl_a), engine: engine)
        // A folded convolution's bias is added with its columns (addColumns).
        for i in 0 ..< runShape[0] { biasMemory.floats[i] = foldedColumns > 1 ? 0 : bias[i] }
        let userSource = try DNNLMemory(MemoryDesc(dims: input, type: dnnl_f32, tag: dnnl_acdb), engine: engine)
        let userDestination = try DNNLMemory(MemoryDesc(dims: outShape, type: dnnl_f32, tag: dnnl_acdb), engine: engine)
        let chosenSource = desc.md(dnnl_query_src_md), chosenDestination = desc.md(dnnl_query_dst_md)
        let source = chosenSource == userSource.desc ? userSource : try DNNLMemory(chosenSource, engine: engine)
        let destination = chosenDestination == userDestination.desc ? userDestination : try DNNLMemory(chosenDestination, engine: engine)
        let conv = try DNNLPrimitive(desc, args: [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, weightMemory),
                                                  (DNNL_ARG_BIAS, biasMemory), (DNNL_ARG_DST, destination)])
        let scratchSize = desc.md(dnnl_query_scratchpad_md).byteSize
        if scratchSize > 0 {
            conv.bind(DNNL_ARG_SCRATCHPAD, try DNNLMemory(MemoryDesc(dims: [scratchSize], type: dnnl_u8, tag: dnnl_a), engine: engine))
        }
        var steps: [DNNLPrimitive] = []
        if source !== userSource { steps.append(try VGGPrimitives.reorder(userSource, into: source, engine: engine)) }
        steps.append(conv)
        if destination !== userDestination {
            steps.append(try VGGPrimitives.reorder(destination, into: userDestination, engine: engine))
        }
        let plan = Plan(userSource: userSource, userDestination: userDestination, steps: steps, outputShape: outShape)
        plans[input] = plan
        return plan
    }

    /// The weights' dimensions for oneDNN: `[g, O/g, C/g, kh, kw]` when grouped.
    private var weightDims: [Int] {
        let g = geometry.groups
        return g > 1 ? [g, weightShape[0] / g, weightShape[1], weightShape[2], weightShape[3]] : runShape
    }

    /// The convolution on channels-last source and destination, weights' layout left to oneDNN.
    private func primitiveDesc(input: [Int], output: [Int]) throws -> DNNLPrimitiveDesc {
        var s = try MemoryDesc(dims: input, type: dnnl_f32, tag: dnnl_acdb).raw
        var d = try MemoryDesc(dims: output, type: dnnl_f32, tag: dnnl_acdb).raw
        var w = try MemoryDesc(dims: weightDims, type: dnnl_f32, tag: dnnl_format_tag_any).raw
        var b = try MemoryDesc(dims: [runShape[0]], type: dnnl_f32, tag: dnnl_a).raw
        var cd = dnnl_convolution_desc_t()
        let strides = geometry.strides.map { dnnl_dim_t($0) }
        let dilations = geometry.dilations.map { dnnl_dim_t($0 - 1) }
        let padL = geometry.padsBegin.map { dnnl_dim_t($0) }, padR = geometry.padsEnd.map { dnnl_dim_t($0) }
        try dnnlCheck(dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                                                  &s, &w, &b, &d, strides, dilations, padL, padR),
                      "convolution_forward_desc_init")
        return try DNNLPrimitiveDesc(cd, attributes: DNNLAttributes(clip: clamp), engine: engine, what: "instant convolution")
    }

    private func loadWeights(plain: MemoryDesc, chosen: MemoryDesc) throws -> DNNLMemory {
        let memory = try DNNLMemory(plain, engine: engine)
        let floats = memory.floats
        for (i, v) in weights.enumerated() { floats[i] = v }
        if chosen == plain { return memory }
        return try VGGPrimitives.reorderNow(memory, to: chosen, engine: engine, stream: stream)
    }

    /// Forgets every shape's primitive (their buffers go with them).
    func dropPlans() { plans.removeAll() }
}

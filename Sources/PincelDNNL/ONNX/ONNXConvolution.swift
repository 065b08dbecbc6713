import PincelCore
import PincelWeights
internal import CDNNL

/// An ONNX `Conv` with constant weights, run by oneDNN (f32, inference), with a primitive per
/// input shape.
///
/// Source and destination are plain NCHW, read from and written to the caller's arrays in
/// place; the weights are reordered once per shape into the layout the primitive chose.
final class ONNXConvolution {
    struct Geometry: Equatable {
        var strides: [Int], dilations: [Int], padsBegin: [Int], padsEnd: [Int], groups: Int
    }

    /// One input shape's primitive and the memory bound to it.
    private final class Plan {
        let primitive: DNNLPrimitive
        let source: DNNLMemory, destination: DNNLMemory
        let outputShape: [Int]

        init(primitive: DNNLPrimitive, source: DNNLMemory, destination: DNNLMemory, outputShape: [Int]) {
            self.primitive = primitive
            self.source = source
            self.destination = destination
            self.outputShape = outputShape
        }
    }

    /// `[O, C / groups, kh, kw]`.
    let weightShape: [Int]
    private let weights: [Float]
    private let bias: [Float]
    let geometry: Geometry
    private let engine: DNNLEngine
    private let stream: DNNLStream
    private var plans: [[Int]: Plan] = [:]

    init(weights: ONNXValue, bias: ONNXValue?, geometry: Geometry, engine: DNNLEngine, stream: DNNLStream) throws {
        guard weights.shape.count == 4, geometry.groups >= 1, weights.shape[0] % geometry.groups == 0 else {
            throw ONNXError.unsupported("a Conv with weights of shape \(weights.shape) in \(geometry.groups) groups")
        }
        let outChannels = weights.shape[0]
        if let bias, bias.count != outChannels {
            throw ONNXError.unexpectedGraph("a Conv bias of \(bias.count) values for \(outChannels) channels")
        }
        weightShape = weights.shape
        self.weights = weights.data
        self.bias = bias?.data ?? [Float](repeating: 0, count: outChannels)
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
    func run(_ x: ONNXValue) throws -> ONNXValue {
        let plan = try self.plan(for: x.shape)
        var out = [Float](repeating: 0, count: plan.outputShape.reduce(1, *))
        var input = x.data
        try input.withUnsafeMutableBytes { src in
            try out.withUnsafeMutableBytes { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                try plan.source.borrowing(s) {
                    try plan.destination.borrowing(d) {
                        try plan.primitive.execute(on: stream)
                        try stream.wait()
                    }
                }
            }
        }
        return ONNXValue(shape: plan.outputShape, data: out)
    }

    private func plan(for input: [Int]) throws -> Plan {
        if let hit = plans[input] { return hit }
        let outShape = try outputShape(for: input)
        let g = geometry.groups
        let grouped = g > 1
        let weightDims = grouped
            ? [g, weightShape[0] / g, weightShape[1], weightShape[2], weightShape[3]] : weightShape
        let src = try MemoryDesc(dims: input, type: dnnl_f32, tag: dnnl_abcd)
        let dst = try MemoryDesc(dims: outShape, type: dnnl_f32, tag: dnnl_abcd)
        let plainWeights = try MemoryDesc(dims: weightDims, type: dnnl_f32, tag: grouped ? dnnl_abcde : dnnl_abcd)
        let anyWeights = try MemoryDesc(dims: weightDims, type: dnnl_f32, tag: dnnl_format_tag_any)
        let biasDesc = try MemoryDesc(dims: [weightShape[0]], type: dnnl_f32, tag: dnnl_a)
        var s = src.raw, d = dst.raw, w = anyWeights.raw, b = biasDesc.raw
        var cd = dnnl_convolution_desc_t()
        let strides = geometry.strides.map { dnnl_dim_t($0) }
        let dilations = geometry.dilations.map { dnnl_dim_t($0 - 1) }
        let padL = geometry.padsBegin.map { dnnl_dim_t($0) }, padR = geometry.padsEnd.map { dnnl_dim_t($0) }
        try dnnlCheck(dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                                                  &s, &w, &b, &d, strides, dilations, padL, padR),
                      "convolution_forward_desc_init")
        let attributes = try DNNLAttributes(userScratchpad: false)
        let desc = try DNNLPrimitiveDesc(cd, attributes: attributes, engine: engine, what: "instant convolution")
        let weightMemory = try loadWeights(plain: plainWeights, chosen: desc.md(dnnl_query_weights_md))
        let biasMemory = try DNNLMemory(biasDesc, engine: engine)
        for (i, v) in bias.enumerated() { biasMemory.floats[i] = v }
        let source = try DNNLMemory(src, engine: engine), destination = try DNNLMemory(dst, engine: engine)
        let primitive = try DNNLPrimitive(desc, args: [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, weightMemory),
                                                       (DNNL_ARG_BIAS, biasMemory), (DNNL_ARG_DST, destination)])
        let plan = Plan(primitive: primitive, source: source, destination: destination, outputShape: outShape)
        plans[input] = plan
        return plan
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

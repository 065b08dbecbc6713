import PincelCore
import PincelWeights

/// An ONNX graph made ready to run on oneDNN: operators checked, constants folded (int8
/// weights dequantised once, here), convolutions prepared.
///
/// The operators are those of the instant style networks (Ghiasi et al.'s arbitrary style
/// predictor and transformer as int8 ONNX): `Conv`, `QuantizeLinear`, `DequantizeLinear`,
/// `Clip`, `Relu`, `Sigmoid`, `Sqrt`, `Reciprocal`, `Add`, `Sub`, `Mul`, `Div`,
/// `GlobalAveragePool`, `Reshape`, `Transpose`, `Pad` and nearest `Resize`.
///
/// Activations: an int8 model quantises every activation (`QuantizeLinear` then
/// `DequantizeLinear`). With ``Activations/float`` (the default) those pairs are identities:
/// the network runs in f32 on the dequantised weights. With ``Activations/quantized`` they are
/// computed (in float, rounding half to even), as onnxruntime does. The float graph is the
/// default because the quantised one is chaotic: these networks quantise their instance
/// normalisation's per-channel mean and variance, so a rounding difference of 1e-5 in a sum
/// (any other summation order than onnxruntime's) moves a whole channel's statistic by a
/// quantisation step and the difference spreads through every later layer (measured against
/// onnxruntime: mean 0.018–0.030 on 0…1 at 384², the same as onnxruntime's own float graph
/// against its quantised one). In float the result is a smooth function of the input, the same
/// on every CPU and thread count (frame-to-frame stable for video), and faster.
///
/// Not thread-safe: one caller at a time (``InstantNetwork`` serialises).
package final class ONNXProgram {
    /// An operator with its constant inputs resolved.
    struct Step {
        var node: ONNXNode
        var operation: ONNXOperation
        /// Inputs that are computed at run time (names), in the node's order.
        var inputs: [String]
        /// For each computed value this step reads, whether this is its last reader.
        var releases: [String]
    }

    let inputNames: [String]
    let outputNames: [String]
    /// The declared input shapes.
    let declaredInputs: [ONNXValueInfo]
    private(set) var steps: [Step] = []
    /// Folded constants by name.
    private(set) var constants: [String: ONNXValue] = [:]

    /// How activations are treated (see the type's documentation).
    package enum Activations: Sendable {
        /// f32 throughout: activation quantisation pairs are identities.
        case float
        /// Activation quantisation computed as the model says.
        case quantized
    }

    init(model: ONNXModel, activations: Activations = .float, engine: DNNLEngine, stream: DNNLStream) throws {
        let graph = model.graph
        guard model.opsetVersion >= 11 else { throw ONNXError.unsupported("opset \(model.opsetVersion), older than 11") }
        declaredInputs = graph.inputs
        inputNames = graph.inputs.map(\.name)
        outputNames = graph.outputs.map(\.name)
        for (name, tensor) in graph.initializers { constants[name] = ONNXValue(tensor) }
        var defined = Set(inputNames).union(constants.keys)
        var pending: [(ONNXNode, ONNXOperation)] = []
        for node in graph.nodes {
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw ONNXError.unsupported("operator \(node.domain).\(node.opType)")
            }
            for input in node.inputs where !input.isEmpty && !defined.contains(input) {
                throw ONNXError.malformed("node \(node.opType) reads \(input) before anything writes it")
            }
            var operation = try ONNXOperation(node: node, constants: constants, engine: engine, stream: stream)
            if activations == .float, operation.isQuantization, let first = node.inputs.first, constants[first] == nil {
                operation = .identity
            }
            let allConstant = node.inputs.allSatisfy { $0.isEmpty || constants[$0] != nil }
            if allConstant, !operation.isConvolution {
                let values = node.inputs.map { $0.isEmpty ? nil : constants[$0] }
                let out = try operation.run(values)
                guard out.count == node.outputs.count else { throw ONNXError.malformed("\(node.opType) outputs") }
                for (name, value) in zip(node.outputs, out) { constants[name] = value }
            } else {
                pending.append((node, operation))
            }
            defined.formUnion(node.outputs)
        }
        for name in outputNames where !defined.contains(name) {
            throw ONNXError.malformed("the graph output \(name) is never computed")
        }
        let fused = ONNXFusion.fuse(pending.map { (node: $0.0, operation: $0.1) }, outputs: Set(outputNames))
        steps = Self.schedule(fused.map { ($0.node, $0.operation) }, constants: constants, outputs: Set(outputNames))
    }

    /// Steps with, for each, the computed values it reads for the last time (freed after it).
    private static func schedule(_ pending: [(ONNXNode, ONNXOperation)], constants: [String: ONNXValue],
                                 outputs: Set<String>) -> [Step] {
        var lastUse: [String: Int] = [:]
        for (i, (node, _)) in pending.enumerated() {
            for input in node.inputs where !input.isEmpty && constants[input] == nil { lastUse[input] = i }
        }
        return pending.enumerated().map { i, item in
            let computed = item.0.inputs.filter { !$0.isEmpty && constants[$0] == nil }
            let releases = Set(computed).filter { lastUse[$0] == i && !outputs.contains($0) }
            return Step(node: item.0, operation: item.1, inputs: computed, releases: Array(releases))
        }
    }

    /// Runs the graph on `inputs` (every graph input by name) and returns its outputs.
    func run(_ inputs: [String: ONNXValue]) throws -> [String: ONNXValue] {
        var values: [String: ONNXValue] = [:]
        for name in inputNames {
            guard let value = inputs[name] else { throw ONNXRunError.input("no value for the input \(name)") }
            values[name] = value
        }
        for step in steps {
            let args: [ONNXValue?] = step.node.inputs.map { name in
                name.isEmpty ? nil : (constants[name] ?? values[name])
            }
            for name in step.releases { values[name] = nil }
            let out = try step.operation.run(args)
            for (name, value) in zip(step.node.outputs, out) { values[name] = value }
        }
        var result: [String: ONNXValue] = [:]
        for name in outputNames { result[name] = try (constants[name] ?? values[name])?.rowMajor() }
        return result
    }
}


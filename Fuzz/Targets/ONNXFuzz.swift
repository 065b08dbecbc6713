// fuzz-sources: Sources/PincelWeights/ONNX/ONNXError.swift Sources/PincelWeights/ONNX/ONNXModel.swift Sources/PincelWeights/ONNX/ONNXModelReader.swift Sources/PincelWeights/ONNX/ONNXTensorDecoder.swift Sources/PincelWeights/ONNX/ProtobufReader.swift Sources/PincelCore/Support/OneLine.swift Fuzz/Support/FuzzErrors.swift
// The ONNX reader (protocol buffers, the model's graph, its tensors) on arbitrary bytes.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func onnxFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = [UInt8](UnsafeBufferPointer(start: bytes, count: count))
    expectOneLineErrors(ONNXError.self) {
        let model = try ONNXModelReader.decode(data)
        // Whatever decodes must be consistent: every tensor holds as many values as its shape.
        for (_, tensor) in model.graph.initializers {
            let elements = tensor.shape.reduce(1, *)
            if tensor.values.count != elements { fatalError("fuzz: tensor \(tensor.name) shape \(tensor.shape) holds \(tensor.values.count)") }
        }
        for node in model.graph.nodes where node.opType.isEmpty { fatalError("fuzz: node without op_type") }
    }
    return 0
}

// fuzz-sources: Sources/PincelWeights/ONNX/ONNXError.swift Sources/PincelWeights/ONNX/ONNXModel.swift Sources/PincelWeights/ONNX/ONNXModelReader.swift Sources/PincelWeights/ONNX/ONNXTensorDecoder.swift Sources/PincelWeights/ONNX/ProtobufReader.swift Sources/PincelCore/Support/OneLine.swift
// The ONNX reader (protocol buffers, the model's graph, its tensors) on arbitrary bytes.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func onnxFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = [UInt8](UnsafeBufferPointer(start: bytes, count: count))
    do {
        let model = try ONNXModelReader.decode(data)
        // Whatever decodes must be consistent: every tensor holds as many values as its shape.
        for (_, tensor) in model.graph.initializers {
            let elements = tensor.shape.reduce(1, *)
            if tensor.values.count != elements { fatalError("fuzz: tensor \(tensor.name) shape \(tensor.shape) holds \(tensor.values.count)") }
        }
        for node in model.graph.nodes where node.opType.isEmpty { fatalError("fuzz: node without op_type") }
    } catch let error as ONNXError {
        let text = error.description
        if text.isEmpty || text.contains("\n") || text.contains("\r") {
            fatalError("fuzz: bad error message: \(text.debugDescription)")
        }
    } catch {
        fatalError("fuzz: not an ONNXError: \(error)")
    }
    return 0
}

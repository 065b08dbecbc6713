// fuzz-sources: Sources/PincelWeights/*.swift Sources/PincelCore/Support/*.swift Sources/PincelCore/Tensor/Tensor.swift Sources/PincelCore/Network/VGG19Architecture.swift Fuzz/Support/WeightsFuzzSupport.swift Fuzz/Support/FuzzErrors.swift
// The pickle reader and the state-dict interpreter on arbitrary bytes.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func pickleFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = WeightsFuzz.data(bytes, count)
    WeightsFuzz.check {
        let (root, end) = try PickleReader.read(data, path: "fuzz.pkl")
        precondition(end <= data.count)
        _ = try TorchStateDict(root, path: "fuzz.pkl")
    }
    return 0
}

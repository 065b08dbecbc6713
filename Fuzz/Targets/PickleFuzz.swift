// fuzz-sources: Sources/Pincel/Weights/*.swift Sources/Pincel/Files/*.swift Sources/Pincel/Support/*.swift Sources/Pincel/Tensor/Tensor.swift Sources/Pincel/VGG/VGG19Architecture.swift Fuzz/Support/WeightsFuzzSupport.swift
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

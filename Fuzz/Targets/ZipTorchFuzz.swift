// fuzz-sources: Sources/PincelWeights/*.swift Sources/PincelCore/Support/*.swift Sources/PincelCore/Tensor/Tensor.swift Sources/PincelCore/Network/VGG19Architecture.swift Fuzz/Support/WeightsFuzzSupport.swift Fuzz/Support/FuzzErrors.swift
// The zip torch.save reader (zip directory, inflate, pickle, storages) and its tensors.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func zipTorchFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = WeightsFuzz.data(bytes, count)
    // A small inflate budget keeps each run fast; the limit logic is the same.
    WeightsFuzz.check { WeightsFuzz.exercise(try TorchZipArchive(data: data, path: "fuzz.pth", inflateBudget: 8 << 20)) }
    return 0
}

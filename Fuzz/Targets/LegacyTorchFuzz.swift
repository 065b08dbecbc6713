// fuzz-sources: Sources/PincelWeights/*.swift Sources/PincelCore/Support/*.swift Sources/PincelCore/Tensor/Tensor.swift Sources/PincelCore/Network/VGG19Architecture.swift Fuzz/Support/WeightsFuzzSupport.swift Fuzz/Support/FuzzErrors.swift
// The legacy (pre-zip) torch.save reader, its tensors, and the VGG19 loader on top.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func legacyTorchFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = WeightsFuzz.data(bytes, count)
    WeightsFuzz.check { WeightsFuzz.exercise(try TorchLegacyArchive(data: data, path: "fuzz.pt")) }
    WeightsFuzz.check { _ = try VGG19Weights.load(data: data, path: "fuzz.pt") }
    return 0
}

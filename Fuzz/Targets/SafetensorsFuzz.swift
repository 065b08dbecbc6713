// fuzz-sources: Sources/Pincel/Weights/*.swift Sources/Pincel/Files/*.swift Sources/Pincel/Support/*.swift Sources/Pincel/Tensor/Tensor.swift Sources/Pincel/VGG/VGG19Architecture.swift Fuzz/Support/WeightsFuzzSupport.swift
// The safetensors reader, its tensors, and the VGG19 loader on top.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func safetensorsFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = WeightsFuzz.data(bytes, count)
    WeightsFuzz.check { WeightsFuzz.exercise(try SafetensorsArchive(data: data, path: "fuzz.safetensors")) }
    WeightsFuzz.check { _ = try VGG19Weights.load(data: data, path: "fuzz.safetensors") }
    return 0
}

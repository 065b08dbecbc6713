// fuzz-sources: Sources/Pincel/Transfer/LayerWeighting.swift Sources/Pincel/Transfer/TransferError.swift Sources/Pincel/Transfer/TransferSetting.swift Sources/Pincel/Transfer/SettingReason.swift Sources/Pincel/Transfer/ScalePlan.swift Sources/Pincel/Transfer/ClockText.swift Sources/PincelCore/Network/VGG19Layer.swift Sources/PincelCore/Network/VGGError.swift Sources/PincelCore/Network/VGG19Architecture.swift Sources/PincelImaging/OutputChecks.swift Sources/PincelImaging/ImageError.swift Sources/PincelCore/Support/*.swift
// Option and path validation on arbitrary text: layer lists (`--style-layers`), the
// coarse-to-fine plan (`--size`, `--iterations`, `--scales`, `--scale-iterations`), the ETA
// clock, and the output path split and hidden temporary name of the atomic save.
//
// Input: one line per field, `layers`, `size`, `iterations`, `scales`, `scale iterations`,
// `seconds`, `output path`. Every field may be anything; nothing may trap, every error must be
// one line, and the invariants below must hold.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func optionsFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    var fields = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while fields.count < 7 { fields.append("") }

    // --style-layers / --content-layers
    do {
        let layers = try WeightedLayer.parseList(fields[0])
        require(!layers.isEmpty && layers.allSatisfy { $0.weight.isFinite && $0.weight >= 0 }, "bad layer list accepted")
        require(Set(layers.map(\.name)).count == layers.count, "a layer listed twice was accepted")
    } catch {
        oneLine(error)
    }

    // --size, --iterations, --scales, --scale-iterations
    let size = Int(fields[1].trimmingCharacters(in: .whitespaces)) ?? 0
    let iterations = Int(fields[2].trimmingCharacters(in: .whitespaces)) ?? 0
    let scales = Int(fields[3].trimmingCharacters(in: .whitespaces))
    let perScale = fields[4].isEmpty ? nil : fields[4].split(separator: ",").compactMap { Int($0) }
    do {
        let plan = try ScalePlan(size: size, iterations: iterations, scales: scales, scaleIterations: perScale)
        require(!plan.steps.isEmpty && plan.iterations >= 1 && plan.iterations <= ScalePlan.maximumIterations,
                "plan with \(plan.iterations) iterations accepted")
        require(plan.steps.last?.side == size, "the last scale is not --size")
    } catch {
        oneLine(error)
    }

    // The progress line's clock.
    if let seconds = Double(fields[5]) { require(ClockText.format(seconds).count <= 12, "clock text too long") }

    // The atomic save's hidden temporary name always fits NAME_MAX (255 bytes) in its folder.
    let output = fields[6]
    if !output.isEmpty {
        let (folder, name) = OutputCheck.split(output)
        let temporary = OutputCheck.temporaryPath(for: output)
        let (tempFolder, tempName) = OutputCheck.split(temporary)
        require(tempFolder == folder, "temporary file in another folder: \(temporary.debugDescription)")
        require(tempName.utf8.count <= 255 && tempName.utf8.first == UInt8(ascii: "."), "temporary name \(tempName.debugDescription), \(tempName.utf8.count) bytes")
        require(!name.contains("/"), "file name with a slash")
    }
    return 0
}

private func require(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz: \(what())") }
}

private func oneLine(_ error: Error) {
    let text = String(describing: error)
    require(!text.isEmpty && !text.contains("\n"), "bad error message: \(text.debugDescription)")
}

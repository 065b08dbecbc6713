import PincelCore
import PincelWeights
import PincelImaging

extension TransferOptions {
    /// Checks every setting against its documented range (``TransferLimits``) and against the
    /// others, before anything is computed from them. ``StyleTransfer`` calls it; a front end
    /// may call it early to report a bad setting before loading anything.
    ///
    /// - Parameter styleCount: the number of style images the run will get (the style blend
    ///   must have one weight per style).
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` naming the first bad setting.
    public func validate(styleCount: Int) throws {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ setting: TransferSetting) throws {
            guard range.contains(value) else {
                throw TransferError.invalidSetting(setting, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            }
        }
        guard styleCount >= 1 else { throw TransferError.invalidSetting(.styles, "must hold at least one image") }
        try check(maxPixels, TransferLimits.maxPixels, .maxPixels)
        try check(size, TransferLimits.size, .size)
        guard size * size <= maxPixels else {  // both bounded: no overflow
            throw TransferError.invalidSetting(.size, "\(size) is above the pixel limit (\(maxPixels) pixels; see \(the: .maxPixels))")
        }
        try check(iterations, TransferLimits.iterations, .iterations)
        if let scales { try check(scales, TransferLimits.scales(size: size), .scales) }
        if let scaleIterations {
            for n in scaleIterations { try check(n, TransferLimits.iterations, .scaleIterations) }
            try check(scaleIterations.count, TransferLimits.scales(size: size), .scaleIterations)
            if let scales, scales != scaleIterations.count {
                throw TransferError.invalidSetting(.scaleIterations, "lists \(scaleIterations.count) scales but \(setting: .scales) is \(scales)")
            }
        }
        _ = try ScalePlan(size: size, iterations: iterations, scales: scales, scaleIterations: scaleIterations)
        try check(history, TransferLimits.history, .history)
        try check(preconditionLevels, TransferLimits.preconditionLevels, .preconditionLevels)
        if let threads = network.threads { try check(threads, TransferLimits.threads, .threads) }
        try check(convergenceWindow, TransferLimits.convergenceWindow, .convergenceWindow)
        for (setting, value) in [(TransferSetting.contentWeight, contentWeight), (.styleWeight, styleWeight), (.tvWeight, tvWeight)] {
            guard value.isFinite, value >= 0 else { throw TransferError.invalidSetting(setting, "must be a non-negative number, got \(value)") }
        }
        guard styleScale.isFinite, styleScale > 0, styleScale <= TransferLimits.styleScale.upperBound else {
            throw TransferError.invalidSetting(.styleScale, "must be above 0 and at most \(TransferLimits.styleScale.upperBound)")
        }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) {
            throw TransferError.invalidSetting(.learningRate, "must be a positive number, got \(learningRate)")
        }
        guard convergenceTolerance.isFinite, convergenceTolerance >= 0, convergenceTolerance < 1 else {
            throw TransferError.invalidSetting(.convergenceTolerance, "must be at least 0 and below 1 (0 turns the convergence test off)")
        }
        if let styleBlend {
            guard styleBlend.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw TransferError.invalidSetting(.styleBlend, "must be non-negative numbers")
            }
            guard styleBlend.count == styleCount else {
                throw TransferError.invalidSetting(.styleBlend, "has \(styleBlend.count) weights for \(styleCount) style images; give one per style")
            }
            guard styleBlend.reduce(0, +) > 0 else { throw TransferError.invalidSetting(.styleBlend, "weights must not all be zero") }
        }
        try Self.checkLayers(contentLayers, .contentLayers, allowEmpty: true)
        try Self.checkLayers(styleLayers, .styleLayers, allowEmpty: true)
        if styleWeight > 0, !styleLayers.contains(where: { $0.weight > 0 }) {
            throw TransferError.invalidSetting(.styleLayers, "must give at least one layer a weight above 0 (or set \(the: .styleWeight) to 0)")
        }
        if ObjectiveSpec(self).taps.isEmpty {
            throw TransferError.invalidSetting(.styleWeight, "and \(the: .contentWeight) leave no term to optimise; give one a layer and a weight above 0")
        }
        if contentWeight > 0, !contentLayers.contains(where: { $0.weight > 0 }) {
            throw TransferError.invalidSetting(.contentLayers, "must give at least one layer a weight above 0 (or set \(the: .contentWeight) to 0)")
        }
    }

    /// Names are VGG19 ReLU layers, listed once, weights finite and non-negative.
    static func checkLayers(_ layers: [WeightedLayer], _ setting: TransferSetting, allowEmpty: Bool) throws {
        guard allowEmpty || !layers.isEmpty else { throw TransferError.invalidSetting(setting, "must list at least one layer") }
        var seen: Set<String> = []
        for layer in layers {
            guard WeightedLayer.isLossLayer(layer.name) else {
                throw TransferError.invalidSetting(setting, "'\(layer.name)' is not a layer a loss can use; \(WeightedLayer.accepted)")
            }
            guard layer.weight.isFinite, layer.weight >= 0 else {
                throw TransferError.invalidSetting(setting, "weight of \(layer.name) must be a non-negative number")
            }
            guard seen.insert(layer.name).inserted else { throw TransferError.invalidSetting(setting, "list \(layer.name) twice") }
        }
    }
}

extension TransferOptions {
    /// The coarse-to-fine schedule these settings give (``ScalePlan``).
    public func scalePlan() throws -> ScalePlan {
        try ScalePlan(size: size, iterations: iterations, scales: scales, scaleIterations: scaleIterations)
    }
}

import ArgumentParser
import Pincel

/// The objective's settings as typed on the command line, checked and applied in one place
/// (the transfer and `evaluate` must measure the same objective).
struct ObjectiveFlags {
    var contentWeight: Float
    var styleWeight: Float
    var tvWeight: Float
    var tvNorm: TVNormChoice
    var styleScale: Float
    var contentLayers: String
    var styleLayers: String

    /// Sets the weights, TV norm, style scale and layers of `o` (the library validates the
    /// values, ``TransferOptions/validate(styleCount:)``); throws a one-line ValidationError
    /// naming the flag for a layer list that does not parse.
    func apply(to o: inout TransferOptions) throws {
        o.contentWeight = contentWeight
        o.styleWeight = styleWeight
        o.tvWeight = tvWeight
        o.styleScale = styleScale
        o.tvNorm = tvNorm.norm
        o.contentLayers = try Self.layers(contentLayers, flag: "--content-layers")
        o.styleLayers = try Self.layers(styleLayers, flag: "--style-layers")
    }

    static func layers(_ text: String, flag: String) throws -> [WeightedLayer] {
        do { return try WeightedLayer.parseList(text) } catch TransferError.invalidOption(let what) {
            throw ValidationError.oneLine("\(flag): \(what)")
        }
    }
}

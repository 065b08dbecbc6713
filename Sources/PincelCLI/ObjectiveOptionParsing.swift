import ArgumentParser
import Pincel

/// The objective's settings as typed on the command line, checked and applied in one place
/// (the transfer and `evaluate` must measure the same objective).
struct ObjectiveFlags {
    var contentWeight: Float
    var styleWeight: Float
    var tvWeight: Float
    var tvNorm: String
    var styleScale: Float
    var contentLayers: String
    var styleLayers: String

    /// Sets the weights, TV norm, style scale and layers of `o`; throws a one-line
    /// ValidationError naming the flag.
    func apply(to o: inout TransferOptions) throws {
        for (name, v) in [("--content-weight", contentWeight), ("--style-weight", styleWeight), ("--tv-weight", tvWeight)] {
            guard v.isFinite, v >= 0 else { throw ValidationError.oneLine("\(name) must be a non-negative number") }
        }
        guard styleScale.isFinite, styleScale > 0, styleScale <= 4 else {
            throw ValidationError.oneLine("--style-scale must be above 0 and at most 4")
        }
        o.contentWeight = contentWeight
        o.styleWeight = styleWeight
        o.tvWeight = tvWeight
        o.styleScale = styleScale
        switch tvNorm {
        case "l2": o.tvNorm = .l2
        case "l1": o.tvNorm = .l1(smoothing: 0.01)
        default: throw ValidationError.oneLine("--tv-norm must be l1 or l2")
        }
        do { o.contentLayers = try WeightedLayer.parseList(contentLayers) } catch {
            throw ValidationError.oneLine("--content-layers: \(error)")
        }
        do { o.styleLayers = try WeightedLayer.parseList(styleLayers) } catch {
            throw ValidationError.oneLine("--style-layers: \(error)")
        }
    }
}

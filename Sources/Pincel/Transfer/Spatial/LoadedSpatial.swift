import PincelCore
import PincelWeights
import PincelImaging

/// A request's ``SpatialControl``, loaded: masks at the content's size as weights 0…1.
package struct LoadedSpatial {
    /// Per style, its mask normalised so the masks sum to at most 1 per pixel (`nil`: no masks).
    var styleMasks: [[Float]]?
    /// Per style, its region as `[1, h, w]` weights at the painting's size, or `nil`.
    var regions: [Tensor?]
    /// Where the image may change, feathered inward (`nil`: everywhere).
    var mask: [Float]?
    var height: Int
    var width: Int
    var mode: SpatialControl.GuideMode

    /// Loads the masks; `nil` when the request controls nothing.
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` for a mask or region that is black
    ///   everywhere (it would select nothing); ``ImageError`` for one that cannot be read.
    package init?(_ spatial: SpatialControl, content: Tensor, styles: [Tensor], maxPixels: Int) throws {
        guard !spatial.isEmpty else { return nil }
        let (h, w) = (content.shape[1], content.shape[2])
        height = h
        width = w
        mode = spatial.guideMode
        if spatial.styleMasks.contains(where: { $0 != nil }) {
            var masks = try spatial.styleMasks.enumerated().map { i, source -> [Float] in
                guard let source else { throw TransferError.invalidSetting(.styleMasks, "are needed for every style; style \(i + 1) has none") }
                return try Self.load(source, width: w, height: h, maxPixels: maxPixels, setting: .styleMasks, index: i)
            }
            Self.normalise(&masks)
            styleMasks = masks
        } else if spatial.styleRegions.contains(where: { $0 != nil }) {
            // Regions alone: every style applies everywhere, each at full weight (as one style would).
            styleMasks = Array(repeating: [Float](repeating: 1, count: h * w), count: styles.count)
        } else {
            styleMasks = nil
        }
        regions = try spatial.styleRegions.enumerated().map { i, source in
            guard let source else { return nil }
            guard i < styles.count else {
                throw TransferError.invalidSetting(.styleRegions, "has \(spatial.styleRegions.count) entries for \(styles.count) styles; give one per style")
            }
            let style = styles[i]
            let values = try Self.load(source, width: style.shape[2], height: style.shape[1], maxPixels: maxPixels,
                                       setting: .styleRegions, index: i)
            return Tensor(shape: [1, style.shape[1], style.shape[2]], data: values)
        }
        mask = try spatial.mask.map { source in
            let values = try Self.load(source, width: w, height: h, maxPixels: maxPixels, setting: .mask, index: nil)
            return MaskFeather.feathered(values, height: h, width: w, radius: spatial.feather(side: max(h, w)))
        }
    }

    /// A mask as weights 0…1: the image's luminance / 255, with values within half a level of
    /// 0 or 255 snapped to exactly 0 or 1 (so resizing's ringing selects nothing).
    static func load(_ source: ImageSource, width: Int, height: Int, maxPixels: Int, setting: TransferSetting,
                     index: Int?) throws -> [Float] {
        let rgb = try source.load(width: width, height: height, maxPixels: maxPixels, setting: setting)
        let values = ColorSpace.luminance(rgb).data.map { v -> Float in
            v < 0.5 ? 0 : v > 254.5 ? 1 : v / 255
        }
        guard values.contains(where: { $0 > 0 }) else {
            let which = index.map { "of style \($0 + 1) " } ?? ""
            throw TransferError.invalidSetting(setting, "\(which)is black everywhere: it selects no pixel")
        }
        return values
    }

    /// Divides overlapping masks by their sum where it is above 1.
    static func normalise(_ masks: inout [[Float]]) {
        guard let count = masks.first?.count else { return }
        for p in 0..<count {
            var sum: Float = 0
            for m in masks { sum += m[p] }
            if sum > 1 { for i in masks.indices { masks[i][p] /= sum } }
        }
    }

    /// The guides and change mask at a scale's size.
    func scaled(height h: Int, width w: Int) -> (guides: StyleGuides?, mask: [Float]?) {
        let guides = styleMasks.map { masks in
            StyleGuides(masks: masks.map { LayerGuide.resized($0, from: (height, width), to: (h, w)) },
                        height: h, width: w, regions: regions, mode: mode)
        }
        return (guides, mask.map { LayerGuide.resized($0, from: (height, width), to: (h, w)) })
    }
}

/// The change mask's soft edge.
enum MaskFeather {
    /// `mask · min(1, d / radius)`, where `d` is the distance (chamfer 3-4, in pixels) to the
    /// nearest pixel the mask excludes (value 0). Pixels with mask 0 stay exactly 0; the image
    /// border does not count as excluded. `radius` 0 leaves the mask as it is.
    static func feathered(_ mask: [Float], height h: Int, width w: Int, radius: Int) -> [Float] {
        guard radius > 0, mask.count == h * w else { return mask }
        let far = Int32.max / 4
        var d = mask.map { $0 > 0 ? far : Int32(0) }
        // Forward and backward passes; weights 3 (edge) and 4 (diagonal), so d / 3 ≈ pixels.
        for y in 0..<h {
            for x in 0..<w where d[y * w + x] > 0 {
                var v = d[y * w + x]
                if x > 0 { v = min(v, d[y * w + x - 1] + 3) }
                if y > 0 {
                    v = min(v, d[(y - 1) * w + x] + 3)
                    if x > 0 { v = min(v, d[(y - 1) * w + x - 1] + 4) }
                    if x + 1 < w { v = min(v, d[(y - 1) * w + x + 1] + 4) }
                }
                d[y * w + x] = v
            }
        }
        for y in stride(from: h - 1, through: 0, by: -1) {
            for x in stride(from: w - 1, through: 0, by: -1) where d[y * w + x] > 0 {
                var v = d[y * w + x]
                if x + 1 < w { v = min(v, d[y * w + x + 1] + 3) }
                if y + 1 < h {
                    v = min(v, d[(y + 1) * w + x] + 3)
                    if x + 1 < w { v = min(v, d[(y + 1) * w + x + 1] + 4) }
                    if x > 0 { v = min(v, d[(y + 1) * w + x - 1] + 4) }
                }
                d[y * w + x] = v
            }
        }
        let r = Float(3 * radius)
        return zip(mask, d).map { m, dist in m * min(1, Float(dist) / r) }
    }
}

/// `m ∘ v + (1 − m) ∘ c` for a per-pixel mask `m` over all channels of `[C, H, W]` images.
struct MaskBlend: Sendable {
    /// The mask repeated for every channel.
    let mask: [Float]
    /// `c`, `[C, H, W]` flattened.
    let content: [Float]

    /// `mask` has one value per pixel; `content` is `[C, H, W]` flattened.
    init(mask: [Float], content: [Float]) {
        let channels = content.count / max(1, mask.count)
        self.mask = Array((0..<channels).map { _ in mask }.joined())
        self.content = content
    }

    /// `m ∘ v + (1 − m) ∘ c` (exactly `c` where `m` is 0).
    func compose(_ v: [Float]) -> [Float] {
        var out = v
        compose(v, into: &out)
        return out
    }

    func compose(_ v: [Float], into out: inout [Float]) {
        for i in 0..<min(v.count, out.count, mask.count) {
            let m = mask[i]
            out[i] = m == 0 ? content[i] : m * v[i] + (1 - m) * content[i]
        }
    }

    /// An image `[C, H, W]` composited over the content; unchanged when the sizes differ.
    func composite(_ image: Tensor) -> Tensor {
        guard image.data.count == content.count, mask.count == content.count else { return image }
        return Tensor(shape: image.shape, data: compose(image.data))
    }
}

/// The change mask as a change of variable: the objective sees `x = m ∘ v + (1 − m) ∘ c`
/// (`c` the content, `m` the feathered mask), so pixels outside the mask are the content's
/// whatever the optimiser does, and the gradient is `m ∘ ∂f/∂x`.
final class MaskedVariable {
    let blend: MaskBlend
    private var composite: [Float]
    private var scratch: [Float]

    init(mask: [Float], content: [Float]) {
        blend = MaskBlend(mask: mask, content: content)
        composite = content
        scratch = [Float](repeating: 0, count: content.count)
    }

    /// Evaluates `objective` at the composite and adds `m ∘` its gradient into `gradient`.
    func evaluate(_ v: [Float], gradient: inout [Float], objective: GatysObjective) throws -> Float {
        blend.compose(v, into: &composite)
        for i in scratch.indices { scratch[i] = 0 }
        let value = try objective.evaluate(composite, gradient: &scratch)
        for i in 0..<min(gradient.count, scratch.count, blend.mask.count) { gradient[i] += blend.mask[i] * scratch[i] }
        return value
    }
}

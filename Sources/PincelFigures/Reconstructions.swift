import Pincel

/// The figures of Gatys, Ecker & Bethge that show what the network keeps of an image:
/// reconstructions from white noise of the content (Fig. 1, bottom) and of the style
/// (Fig. 1, top) at increasingly deep layers.
///
/// Both use the caller's options except where a figure must differ: a single scale (unless
/// `options.scales` is set), a noise start, no colour preservation and **no total-variation
/// term** (`tvWeight` 0), so the tile shows only what the layer keeps — a TV term would
/// smooth away exactly the detail the low layers preserve.
public enum Figures {
    /// The content layers of the paper's Fig. 1: conv1_2 … conv5_2 after their ReLU.
    public static let paperContentLayers = ["relu1_2", "relu2_2", "relu3_2", "relu4_2", "relu5_2"]
        .map { WeightedLayer(name: $0) }
    /// The style layers of the paper; the style figure uses their nested prefixes.
    public static let paperStyleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
        .map { WeightedLayer(name: $0) }

    /// Content reconstructions: for each layer, white noise optimised until its activations
    /// at that layer match the image's (content loss only).
    ///
    /// - Parameters:
    ///   - image: RGB `[3, H, W]`, 0…255; every tile has its size.
    ///   - layers: one tile per layer, in order (weights scale the loss only).
    ///   - weights: the VGG19 weights.
    ///   - options: iterations, seed, content weight (must be > 0), network settings; the
    ///     style weight is ignored (0) and the network runs only up to each tile's layer.
    ///   - includeInput: put the image itself first, captioned "input".
    ///   - progress: after every evaluation, on the transfer's thread. Cancel the calling task
    ///     to stop the figure (its current tile is kept, unfinished).
    /// - Returns: a one-row figure: [input,] one tile per layer captioned with its name.
    public static func contentReconstructions(
        image: Tensor, layers: [WeightedLayer] = paperContentLayers, weights: VGG19Weights,
        options: TransferOptions = TransferOptions(), includeInput: Bool = true,
        progress: @escaping FigureProgressHandler = { _ in }
    ) async throws -> Figure {
        guard !layers.isEmpty else { throw FigureError.noLayers("content reconstruction") }
        guard options.contentWeight.isFinite, options.contentWeight > 0 else {
            throw FigureError.invalidWeight("the content weight")
        }
        let jobs = layers.map { layer in
            var o = reconstructionOptions(options)
            o.contentLayers = [layer]
            o.styleLayers = []  // no style term
            o.styleWeight = 0
            return FigureRunner.Job(caption: layer.name, content: image, styles: [image], options: o)
        }
        let leading = includeInput ? [FigureTile(caption: "input", image: image)] : []
        return try await FigureRunner.run(jobs, weights: weights, leading: leading, columns: leading.count + jobs.count,
                                    progress: progress)
    }

    /// The nested layer sets of the paper's style reconstructions: the first layer, the
    /// first two, … all of `layers`. Each layer's weight is divided by the size of its set,
    /// as in the paper (w_l = 1/N for the N layers used).
    public static func nestedStyleSets(_ layers: [WeightedLayer] = paperStyleLayers) -> [[WeightedLayer]] {
        (1...max(1, layers.count)).compactMap { n in
            guard n <= layers.count else { return nil }
            return layers.prefix(n).map { WeightedLayer(name: $0.name, weight: $0.weight / Float(n)) }
        }
    }

    /// Caption of a style layer set: `relu1_1` or `relu1_1…relu3_1`.
    public static func caption(forStyleSet set: [WeightedLayer]) -> String {
        guard let first = set.first, let last = set.last else { return "" }
        return set.count == 1 ? first.name : "\(first.name)…\(last.name)"
    }

    /// Style reconstructions: for each layer set, white noise optimised until its Gram
    /// matrices at those layers match the image's (style loss only).
    ///
    /// - Parameters:
    ///   - image: RGB `[3, H, W]`, 0…255; every tile has its size.
    ///   - layerSets: one tile per set (default: the paper's nested sets, see ``nestedStyleSets(_:)``).
    ///   - options: iterations, seed, style weight (must be > 0), optimiser, network settings;
    ///     the content weight is ignored (0). Use `.adam`: from noise, L-BFGS progresses
    ///     slowly on the sets without deep layers, where Adam gets much further in the same
    ///     evaluations (BENCHMARKS.md).
    ///   - weights: the VGG19 weights.
    ///   - includeInput: put the image itself first, captioned "input".
    ///   - progress: after every evaluation, with a function that gives the tile's current
    ///     image; return `false` to stop the figure.
    /// - Returns: a one-row figure: [input,] one tile per set captioned with its layers.
    public static func styleReconstructions(
        image: Tensor, layerSets: [[WeightedLayer]] = nestedStyleSets(), weights: VGG19Weights,
        options: TransferOptions = TransferOptions(), includeInput: Bool = true,
        progress: @escaping FigureProgressHandler = { _ in }
    ) async throws -> Figure {
        guard !layerSets.isEmpty else { throw FigureError.noLayers("style reconstruction") }
        guard options.styleWeight.isFinite, options.styleWeight > 0 else {
            throw FigureError.invalidWeight("the style weight")
        }
        let jobs = try layerSets.map { set in
            guard !set.isEmpty else { throw FigureError.noLayers("style reconstruction") }
            var o = reconstructionOptions(options)
            o.styleLayers = set
            o.contentLayers = []  // no content term
            o.contentWeight = 0
            return FigureRunner.Job(caption: caption(forStyleSet: set), content: image, styles: [image], options: o)
        }
        let leading = includeInput ? [FigureTile(caption: "input", image: image)] : []
        return try await FigureRunner.run(jobs, weights: weights, leading: leading, columns: leading.count + jobs.count,
                                    progress: progress)
    }

    /// Settings every reconstruction shares (see the type's documentation).
    static func reconstructionOptions(_ options: TransferOptions) -> TransferOptions {
        var o = options
        o.tvWeight = 0
        o.initial = .noise
        o.colors = .none
        o.styleBlend = nil
        o.scales = options.scales ?? 1
        if options.scales == nil { o.scaleIterations = nil }
        return o
    }
}

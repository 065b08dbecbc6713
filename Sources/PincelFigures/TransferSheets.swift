import Foundation
import Pincel

extension Figures {
    /// The content/style weight ratios α/β of the ratio sheet, from "mostly photo" to
    /// "mostly painting".
    ///
    /// With Pincel's normalisation (mean squared errors; Gram matrices divided by N·M;
    /// defaults α = 5, β = 100, so α/β = 5e-2) and a noise start, α/β = 50 (β = 0.1) gives
    /// the photo with only a hint of the painting's colours and strokes, and α/β = 5e-3
    /// (β = 1000) the painting's texture with the photo's layout barely visible; below that
    /// the tiles look alike (checked at 128 px on the astronaut and The Starry Night). The
    /// row spans that range in factors of 10, i.e. style weights 1e-3 … 1e1 times the
    /// default, with the default ratio fourth.
    public static let defaultRatios: [Float] = [50, 5, 5e-1, 5e-2, 5e-3]

    /// The same transfer for each content/style weight ratio α/β: the content weight stays
    /// `options.contentWeight` and the style weight becomes `contentWeight / ratio`.
    ///
    /// - Parameters:
    ///   - content: RGB `[3, H, W]`, 0…255; every result has its size.
    ///   - style: RGB `[3, h, w]`, 0…255, any size.
    ///   - ratios: α/β, one tile each, captioned `α/β = 5e-2`.
    ///   - weights: the VGG19 weights.
    ///   - options: all other settings (start image, iterations, seed, …) as given.
    ///   - includeInputs: put the content and the style image first.
    ///   - progress: after every evaluation, with a function that gives the tile's current
    ///     image; return `false` to stop the figure.
    /// - Returns: a one-row figure.
    public static func ratioSheet(
        content: Tensor, style: Tensor, ratios: [Float] = defaultRatios, weights: VGG19Weights,
        options: TransferOptions = TransferOptions(), includeInputs: Bool = true,
        progress: @escaping FigureProgressHandler = { _ in }
    ) async throws -> Figure {
        guard !ratios.isEmpty else { throw FigureError.noTiles }
        if let bad = ratios.first(where: { !($0.isFinite && $0 > 0) }) {
            throw FigureError.invalidRatios("\(bad)")
        }
        return try await ratioFigure(content: content, style: style, ratios: ratios, weights: weights, options: options,
                               includeInputs: includeInputs, progress: progress)
    }

    private static func ratioFigure(
        content: Tensor, style: Tensor, ratios: [Float], weights: VGG19Weights, options: TransferOptions,
        includeInputs: Bool, progress: @escaping FigureProgressHandler
    ) async throws -> Figure {
        guard options.contentWeight.isFinite, options.contentWeight > 0 else {
            throw FigureError.invalidWeight("the content weight")
        }
        let jobs = ratios.map { ratio in
            var o = options
            o.styleWeight = options.contentWeight / ratio
            return FigureRunner.Job(caption: "α/β = \(formatRatio(ratio))", content: content, styles: [style],
                                    options: o)
        }
        let leading = includeInputs ? inputTiles(content: content, style: style) : []
        return try await FigureRunner.run(jobs, weights: weights, leading: leading, columns: leading.count + jobs.count,
                                    progress: progress)
    }

    /// The starts of the initialisation sheet, in order, with their captions.
    public static let initialisations: [(caption: String, start: InitialImage)] = [
        ("from style", .style), ("from content", .content), ("from noise", .noise),
    ]

    /// The same transfer started from the style image, the content image and noise (the
    /// paper's Fig. 6), side by side.
    ///
    /// - Parameters:
    ///   - content: RGB `[3, H, W]`, 0…255; every result has its size.
    ///   - style: RGB `[3, h, w]`, 0…255, any size (resized to the content's size as a start).
    ///   - weights: the VGG19 weights.
    ///   - options: all settings except the start image.
    ///   - includeInputs: put the content and the style image first.
    ///   - progress: after every evaluation, with a function that gives the tile's current
    ///     image; return `false` to stop the figure.
    /// - Returns: a one-row figure.
    public static func initialisationSheet(
        content: Tensor, style: Tensor, weights: VGG19Weights, options: TransferOptions = TransferOptions(),
        includeInputs: Bool = true,
        progress: @escaping FigureProgressHandler = { _ in }
    ) async throws -> Figure {
        let jobs = initialisations.map { caption, start in
            var o = options
            o.initial = start
            return FigureRunner.Job(caption: caption, content: content, styles: [style], options: o)
        }
        let leading = includeInputs ? inputTiles(content: content, style: style) : []
        return try await FigureRunner.run(jobs, weights: weights, leading: leading, columns: leading.count + jobs.count,
                                    progress: progress)
    }

    /// `5e-2`, `1`, `0.25`: powers of ten and their multiples by 1…9 in short exponent form.
    public static func formatRatio(_ r: Float) -> String {
        let exponent = Int(floor(log10(Double(r))))
        let mantissa = Double(r) / pow(10, Double(exponent))
        let rounded = mantissa.rounded()
        if abs(mantissa - rounded) < 1e-3, rounded >= 1, rounded < 10 {
            if exponent == 0 { return "\(Int(rounded))" }
            return "\(Int(rounded))e\(exponent)"
        }
        return String(format: "%g", Double(r))
    }

    static func inputTiles(content: Tensor, style: Tensor) -> [FigureTile] {
        [FigureTile(caption: "content", image: content), FigureTile(caption: "style", image: style)]
    }
}

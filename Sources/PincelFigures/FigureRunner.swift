import Pincel

/// Runs the transfers of a figure one after another through the library's public pipeline
/// (``StyleTransfer``), so a tile is made exactly as `pincel` makes a result.
struct FigureRunner {
    /// One tile to optimise.
    struct Job {
        var caption: String
        /// RGB `[3, H, W]`, 0…255: the tile's size.
        var content: Tensor
        var styles: [Tensor]
        var options: TransferOptions
    }

    /// Runs `jobs` in order. Cancelling the calling task stops the figure: the current tile is
    /// kept as it is and marked, later ones are not made.
    static func run(_ jobs: [Job], weights: VGG19Weights, leading: [FigureTile], columns: Int,
                    progress: @escaping FigureProgressHandler) async throws -> Figure {
        var figure = Figure(tiles: leading, columns: columns)
        for (k, job) in jobs.enumerated() {
            var options = job.options
            options.size = max(job.content.shape[1], job.content.shape[2])  // the tile is already sized
            let request = TransferRequest(content: .pixels(job.content), styles: job.styles.map { .pixels($0) },
                                          options: options)
            let first = FirstTerms()
            let tile = FigureProgressContext(tile: k + 1, tiles: jobs.count, caption: job.caption)
            let result = try await StyleTransfer(request, weights: weights).run { event in
                guard case .progress(let p) = event else { return }
                first.record(p.progress.terms)
                progress(FigureProgress(tile: tile.tile, tiles: tile.tiles, caption: tile.caption, event: p))
            }
            figure.tiles.append(FigureTile(caption: job.caption, image: result.image, result: result, startTerms: first.terms))
            if result.interrupted {
                figure.interrupted = true
                break
            }
        }
        return figure
    }
}

/// Which tile a progress report belongs to.
private struct FigureProgressContext: Sendable {
    var tile: Int
    var tiles: Int
    var caption: String
}

/// The objective terms of a tile's first evaluation (its starting image).
private final class FirstTerms: @unchecked Sendable {
    // Written and read on the transfer's thread, then read after the run returned.
    private(set) var terms: GatysObjective.Terms?
    func record(_ t: GatysObjective.Terms) { if terms == nil { terms = t } }
}

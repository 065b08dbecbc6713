/// Runs the transfers of a figure one after another.
struct FigureRunner {
    /// One tile to optimise.
    struct Job {
        var caption: String
        var content: Tensor
        var styles: [Tensor]
        var options: TransferOptions
        var initialImage: Tensor? = nil
    }

    /// Runs `jobs` in order; stops (returning the tiles made so far, the current one
    /// unfinished) when `progress` returns `false`.
    static func run(_ jobs: [Job], weights: VGG19Weights, leading: [FigureTile], columns: Int,
                    progress: (FigureProgress, @escaping () -> Tensor) -> Bool) throws -> Figure {
        var figure = Figure(tiles: leading, columns: columns)
        for (k, job) in jobs.enumerated() {
            var start: GatysObjective.Terms?
            let result = try TransferEngine.run(content: job.content, styles: job.styles, weights: weights,
                                               options: job.options, initialImage: job.initialImage) { p, image in
                if start == nil { start = p.terms }
                return progress(FigureProgress(tile: k + 1, tiles: jobs.count, caption: job.caption, transfer: p), image)
            }
            figure.tiles.append(FigureTile(caption: job.caption, image: result.image, result: result, startTerms: start))
            if result.interrupted {
                figure.interrupted = true
                break
            }
        }
        return figure
    }
}

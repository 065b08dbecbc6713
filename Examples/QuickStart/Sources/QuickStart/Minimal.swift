import Pincel

/// The smallest whole transfer (the landing page of the documentation): default options,
/// no progress, runs to the end.
func minimalTransfer(content: String, style: String, output: String) async throws {
    let weights = try VGG19Weights.load(contentsOf: try WeightsLocator.resolve(explicit: nil))
    let request = TransferRequest(content: .file(content), styles: [.file(style)])
    let result = try await StyleTransfer(request, weights: weights).run()
    try ImageIO.save(result.image, to: output)
}

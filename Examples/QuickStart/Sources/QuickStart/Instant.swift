import Pincel

/// An instant picture with the stylizer's own calls (the ``InstantStylizer`` documentation's
/// example): one pass of the feed-forward network, no optimisation.
func instantPicture(content: String, style: String, output: String) throws {
    let stylizer = try InstantStylizer()
    let photo = try ImageIO.load(content, longerSide: 512)
    let painting = try stylizer.styleVector(of: try ImageIO.load(style))
    let picture = try stylizer.stylize(photo, style: painting)
    try ImageIO.save(picture, to: output)
}

/// The same through a request, off the caller's thread (the ``InstantTransfer`` example).
func instantTransfer(content: String, style: String, output: String) async throws -> InstantResult {
    let request = TransferRequest(content: .file(content), styles: [.file(style)])
    let result = try await InstantTransfer(request, stylizer: try InstantStylizer()).run()
    try ImageIO.save(result.image, to: output)
    return result
}

/// An instant preview, then the optimisation started from it (the InstantPictures article).
func previewThenRefine(content: String, style: String, preview: String, output: String) async throws {
    var options = TransferOptions()
    options.size = 256
    options.iterations = 40
    options.initial = .instant
    let request = TransferRequest(content: .file(content), styles: [.file(style)], options: options)
    let instant = try await InstantTransfer(request, stylizer: try InstantStylizer.shared()).run()
    try ImageIO.save(instant.image, to: preview)
    let weights = try VGG19Weights.load(contentsOf: try WeightsLocator.resolve(explicit: nil))
    let refined = try await StyleTransfer(request, weights: weights).run()
    try ImageIO.save(refined.image, to: output)
}

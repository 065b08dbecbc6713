import Pincel

/// The getting-started transfer (GettingStarted.md, "A transfer in ten lines"): `content` in
/// the style of `style`, `size` pixels on the longer side, progress printed, cancelled after
/// `seconds` (the image of the last evaluation is kept) and saved to `output`.
func quickTransfer(content: String, style: String, size: Int, seconds: Double, output: String) async throws -> TransferResult {
    let weights = try VGG19Weights.load(contentsOf: try WeightsLocator.resolve(explicit: nil))
    var options = TransferOptions()
    options.size = size  // longer side of the result, pixels
    let transfer = try StyleTransfer(TransferRequest(content: .file(content), styles: [.file(style)], options: options),
                                     weights: weights)
    let run = Task {
        try await transfer.run { event in
            if let p = event.progress { print("iteration \(p.iteration) of \(p.total), loss \(p.terms.total)") }
        }
    }
    let deadline = Task { try await Task.sleep(for: .seconds(seconds)); run.cancel() }
    let result = try await run.value  // cancelled: result.stop == .cancelled, the current image
    deadline.cancel()
    try ImageIO.save(result.image, to: output)
    return result
}

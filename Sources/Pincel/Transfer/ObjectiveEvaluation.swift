import PincelCore
import PincelWeights
import PincelImaging

extension StyleTransfer {
    /// The objective of an image as a transfer
    /// measures its result "as saved": the image is clamped to 0…255 and rounded to 8 bits, then
    /// scored against targets built exactly as at the transfer's last scale (same network settings,
    /// same tap layout, same weights and layers). For comparing any image — another program's
    /// result, an earlier run — with Pincel's own numbers.
    ///
    /// - Parameters:
    ///   - image: RGB `[3, H, W]`, the content's size.
    ///   - content: RGB `[3, H, W]`, 0…255, as the transfer got it (longer side ``TransferOptions/size``).
    ///   - styles: RGB, as the transfer got them (longer side `size · styleScale`).
    ///   - weights: the VGG19 weights.
    ///   - options: only the objective's settings are used (weights, layers, TV norm, network,
    ///     style blend); colour preservation must be `.none`.
    /// - Throws: ``TransferError`` or ``VGGError`` for a size mismatch or bad options.
    public static func evaluate(image: Tensor, content: Tensor, styles: [Tensor], weights: VGG19Weights,
                                options: TransferOptions) throws -> GatysObjective.Terms {
        guard options.colors == .none else {
            throw TransferError.invalidOption("evaluating an image needs colour preservation 'none'")
        }
        guard image.shape.count == 3, image.shape[0] == 3, content.shape.count == 3,
              image.shape[1] == content.shape[1], image.shape[2] == content.shape[2] else {
            throw VGGError.badShape(expected: content.shape, got: image.shape, what: "image to evaluate")
        }
        let network = try ComputeBackends.makeNetwork(weights: weights, options: options)
        let objective = try GatysObjective(network: network, content: content, styles: styles,
                                           spec: ObjectiveSpec(options))
        let quantized = image.data.map { min(max($0.rounded(), 0), 255) }
        var scratch = [Float](repeating: 0, count: quantized.count)
        _ = try objective.evaluate(quantized, gradient: &scratch)
        return objective.terms
    }
}

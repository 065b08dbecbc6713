import PincelCore
import PincelWeights
import PincelImaging

/// A VGG19 layer with the weight of its loss term, parsed from `relu1_1:0.2` (weight 1 when
/// omitted).
public struct WeightedLayer: Sendable, Equatable {
    /// A VGG19 layer name such as `relu4_2` (``isLossLayer(_:)``).
    public var name: String
    /// The weight of the layer's loss term, finite and at least 0 (1 by default).
    public var weight: Float

    /// A layer and its weight (checked by ``TransferOptions/validate(styleCount:)``, not here).
    public init(name: String, weight: Float = 1) {
        self.name = name
        self.weight = weight
    }

    /// The layers a loss can use, as a hint: the post-ReLU outputs and the pooling outputs
    /// (a pre-ReLU `convB_N` output is not one).
    public static let accepted = "use relu1_1 … relu5_4 or pool1 … pool5"

    /// Whether `name` is a layer a loss term can use (``accepted``).
    public static func isLossLayer(_ name: String) -> Bool {
        switch try? VGG19Layer(name: name) {
        case .relu, .pool: true
        case .conv, nil: false
        }
    }

    /// Parses a comma-separated list such as `relu1_1:0.2,relu2_1,relu3_1`; names are
    /// validated against VGG19 and weights must be finite and non-negative.
    public static func parseList(_ text: String) throws -> [WeightedLayer] {
        var layers: [WeightedLayer] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, !name.isEmpty else {
                throw TransferError.invalidOption("'\(item)' has no layer name; write e.g. relu1_1:0.2")
            }
            guard isLossLayer(name) else {
                throw TransferError.invalidOption("'\(name)' is not a layer a loss can use; \(accepted)")
            }
            var weight: Float = 1
            if parts.count == 2 {
                guard let w = Float(parts[1]), w.isFinite, w >= 0 else {
                    throw TransferError.invalidOption("layer weight '\(parts[1])' for \(name) must be a non-negative number")
                }
                weight = w
            }
            guard !layers.contains(where: { $0.name == name }) else {
                throw TransferError.invalidOption("layer \(name) is listed twice")
            }
            layers.append(WeightedLayer(name: name, weight: weight))
        }
        guard !layers.isEmpty else { throw TransferError.invalidOption("the layer list '\(text)' is empty") }
        return layers
    }
}

import Foundation

import PincelCore

/// Weights and bias of one 3x3 convolution.
public struct ConvWeights: Sendable, Equatable {
    /// Filters, `[outChannels, inChannels, 3, 3]` (OIHW), dequantised to float32.
    /// Input channels are in Caffe's BGR order for the first layer.
    public var weights: Tensor
    /// Bias, `[outChannels]`.
    public var bias: [Float]

    /// A convolution's weights `[out, in, 3, 3]` and bias `[out]` (shapes are checked when a
    /// network is built, not here).
    public init(weights: Tensor, bias: [Float]) {
        self.weights = weights
        self.bias = bias
    }
}

/// The 16 convolutions of VGG19, validated against ``VGG19Architecture/convs``.
public struct VGG19Weights: Sendable {
    /// One entry per ``VGG19Architecture/convs`` element, same order.
    public var convs: [ConvWeights]
    /// Where the weights were read from (for messages).
    public var source: String

    /// Weights from memory: one ``ConvWeights`` per ``VGG19Architecture/convs`` element.
    /// ``load(contentsOf:)`` reads and validates a file.
    public init(convs: [ConvWeights], source: String) {
        self.convs = convs
        self.source = source
    }
}

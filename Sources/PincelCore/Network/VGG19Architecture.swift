/// The VGG19 convolutional layer table (Simonyan & Zisserman 2014), features part only.
///
/// Every convolution is 3x3, stride 1, padding 1, followed by ReLU; each block ends
/// with a 2x2 stride-2 pooling.
public enum VGG19Architecture {
    /// One 3x3 convolution of the network.
    public struct Conv: Sendable, Equatable {
        /// Block number, 1…5.
        public let block: Int
        /// Position in the block, 1…4.
        public let index: Int
        /// Input channels (3 for conv1_1).
        public let inChannels: Int
        /// Output channels (filters): 64, 128, 256 or 512.
        public let outChannels: Int
        /// Caffe-style name, `conv{block}_{index}`.
        public var name: String { "conv\(block)_\(index)" }
        /// Keras-style name, `block{block}_conv{index}` (the name used in weight files).
        public var kerasName: String { "block\(block)_conv\(index)" }
    }

    /// The 16 convolutions in network order.
    public static let convs: [Conv] = {
        let blocks: [(count: Int, channels: Int)] = [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)]
        var result: [Conv] = []
        var inC = 3
        for (b, spec) in blocks.enumerated() {
            for i in 1...spec.count {
                result.append(Conv(block: b + 1, index: i, inChannels: inC, outChannels: spec.channels))
                inC = spec.channels
            }
        }
        return result
    }()
}

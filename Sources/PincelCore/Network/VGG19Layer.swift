/// A named point in VGG19 whose activation can be read (a "tap").
///
/// Names follow the Caffe scheme: `reluB_N` (post-ReLU output of convolution N of
/// block B), `poolB` (output of block B's pooling). `convB_N` names the pre-ReLU output.
public enum VGG19Layer: Hashable, Sendable, CustomStringConvertible {
    /// Post-ReLU output of ``VGG19Architecture/convs``[index].
    case relu(Int)
    /// Pre-ReLU output of ``VGG19Architecture/convs``[index].
    case conv(Int)
    /// Output of the pooling after block `block` (1…5).
    case pool(Int)

    /// Every valid layer name in network order.
    public static let allNames: [String] = {
        var names: [String] = []
        for (i, c) in VGG19Architecture.convs.enumerated() {
            names.append(c.name)
            names.append("relu\(c.block)_\(c.index)")
            let last = i + 1 == VGG19Architecture.convs.count || VGG19Architecture.convs[i + 1].block != c.block
            if last { names.append("pool\(c.block)") }
        }
        return names
    }()

    /// Parses a layer name such as `relu4_2`; unknown names throw, listing the valid ones.
    public init(name: String) throws {
        let convs = VGG19Architecture.convs
        if let i = convs.firstIndex(where: { "relu\($0.block)_\($0.index)" == name }) {
            self = .relu(i)
        } else if let i = convs.firstIndex(where: { $0.name == name }) {
            self = .conv(i)
        } else if name.hasPrefix("pool"), let b = Int(name.dropFirst(4)), (1...5).contains(b), "pool\(b)" == name {
            self = .pool(b)
        } else {
            throw VGGError.unknownLayer(name)
        }
    }

    /// The layer's name: `relu4_2`, `conv4_2`, `pool4`.
    public var name: String {
        switch self {
        case .relu(let i): let c = VGG19Architecture.convs[i]; return "relu\(c.block)_\(c.index)"
        case .conv(let i): return VGG19Architecture.convs[i].name
        case .pool(let b): return "pool\(b)"
        }
    }

    /// The layer's ``name``.
    public var description: String { name }

    /// Index of the network operation (convolution+ReLU or pooling) producing this layer,
    /// in the sequence conv1_1, conv1_2, pool1, conv2_1, ….
    package var operationIndex: Int {
        switch self {
        case .relu(let i), .conv(let i): return i + VGG19Architecture.convs[i].block - 1
        case .pool(let b): return VGG19Architecture.convs.lastIndex(where: { $0.block == b }).map { $0 + b } ?? 0
        }
    }

    /// Channels of this layer's activation.
    public var channels: Int {
        switch self {
        case .relu(let i), .conv(let i): return VGG19Architecture.convs[i].outChannels
        case .pool(let b): return VGG19Architecture.convs.last(where: { $0.block == b })?.outChannels ?? 0
        }
    }

    /// How many 2x2 poolings precede this layer's output (its spatial size is the input's
    /// divided by 2 that many times, rounding down each time).
    public var poolingsBefore: Int {
        switch self {
        case .relu(let i), .conv(let i): return VGG19Architecture.convs[i].block - 1
        case .pool(let b): return b
        }
    }
}

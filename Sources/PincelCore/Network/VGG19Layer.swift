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

/// Errors from building or running the VGG19 network.
public enum VGGError: Error, CustomStringConvertible, Equatable {
    /// A name that is no VGG19 layer (the message lists the valid ones).
    case unknownLayer(String)
    /// A network with no layers to read.
    case noLayers
    /// An image, pixels, smaller than the deepest layer's poolings allow (`minimum` pixels a side).
    case imageTooSmall(width: Int, height: Int, minimum: Int)
    /// A tensor or buffer of the wrong shape (`-1`: any extent); `what` names it.
    case badShape(expected: [Int], got: [Int], what: String)
    /// An activation or backward pass asked for before a forward pass at that size.
    case notRun(String)
    /// A pre-ReLU `convB_N` output asked for as a tap (use `reluB_N`).
    case preReLUTap(String)

    /// The error in one line.
    public var description: String { OneLine.sanitize(rawDescription) }

    private var rawDescription: String {
        switch self {
        case .unknownLayer(let n):
            return "unknown VGG19 layer '\(n)'; valid layers: \(VGG19Layer.allNames.joined(separator: ", "))"
        case .noLayers:
            return "no VGG19 layers requested"
        case .imageTooSmall(let w, let h, let m):
            return "image \(w)x\(h) is too small for the requested layers; both sides must be at least \(m) pixels"
        case .badShape(let e, let g, let what):
            return "\(what): expected a tensor of shape \(e), got \(g)"
        case .preReLUTap(let n):
            return "layer '\(n)' is a pre-ReLU convolution output, which Pincel does not tap (ReLU is fused into the convolution); use 'relu\(n.dropFirst(4))'"
        case .notRun(let what):
            return "\(what) needs a forward pass on an image of the same size first"
        }
    }
}

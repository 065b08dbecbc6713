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

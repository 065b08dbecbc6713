import ArgumentParser
import Pincel

// The library's choice enums as command-line values: `--pooling avg`, `--optimizer ADAM`
// (any case). ArgumentParser lists the values in the help and refuses others with them.

extension PoolingMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension OptimizerKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension ColorPreservation: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// `--preserve-colors`: each mode in a few words.
    static let help = "Keep the photo's colours: none (the painting's colours), luminance (transfer brightness only, "
        + "then put the photo's colour back), match (recolour the painting to the photo's colours first), "
        + "yuv (after the run, keep the result's brightness with the photo's colour)."
}

extension ConvolutionAlgorithm: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension ComputePrecision: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--tv-norm l1|l2`.
enum TVNormChoice: String, ExpressibleByArgument, CaseIterable {
    case l1, l2

    init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// The library's norm (l1 smoothed by 0.01 pixel levels, so its gradient is defined at 0).
    var norm: TotalVariationLoss.Norm {
        switch self {
        case .l1: .l1(smoothing: 0.01)
        case .l2: .l2
        }
    }
}

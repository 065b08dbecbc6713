import ArgumentParser
import Pincel

/// `--recompute auto|on|off`: whether the network recomputes blocks 1 and 2 in the backward
/// pass instead of keeping their activations (see `NetworkOptions.recomputeEarlyBlocks`).
enum RecomputeChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off

    init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// The library's setting: `nil` lets it decide by image size.
    var setting: Bool? {
        switch self {
        case .auto: return nil
        case .on: return true
        case .off: return false
        }
    }

    static let help: ArgumentHelp = "Recompute VGG blocks 1-2 in the backward pass to save memory: auto (above 2.5 Mpx), on or off."
}

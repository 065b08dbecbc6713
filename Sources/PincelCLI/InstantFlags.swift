import ArgumentParser
import Pincel

/// The `--instant` flags' help, and the transfer flags that cannot apply to an instant picture.
enum InstantFlags {
    static let instantHelp = "Instead of optimising: the instant network's picture (Ghiasi et al. 2017), in about a "
        + "second. Takes --size, --style-blend, --preserve-colors, --threads; not the optimiser's flags."
    static let strengthHelp = "With --instant: how far from the photo's own style towards the paintings' (0…1, default 1)."
    static let modelsHelp = "With --instant: the folder holding arbitrary_predict.onnx and arbitrary_transform.onnx "
        + "(default: $PINCEL_INSTANT_MODELS, then $PINCEL_HOME, then the cache filled by `make weights`)."

    /// The transfer's flags that set the optimisation, its objective, the VGG network or the
    /// masks: none of them changes an instant picture, so giving one with `--instant` is refused.
    static let inapplicable: Set<String> = [
        "--iterations", "--scales", "--scale-iterations", "--save-every", "--log", "--unbounded", "--recompute",
        "--print-every", "--content-weight", "--style-weight", "--tv-weight", "--tv-norm", "--init", "--optimizer",
        "--learning-rate", "--seed", "--style-scale", "--content-layers", "--style-layers", "--pooling", "--tolerance",
        "--history", "--precondition-levels", "--algorithm", "--precision", "--weights", "--style-mask",
        "--style-region", "--mask", "--mask-feather", "--guide",
    ]

    /// The first flag among `arguments` (as prepared: `OPTION=VALUE` or `OPTION VALUE`) that
    /// cannot apply to an instant picture; nothing after `--` counts.
    static func firstInapplicable(in arguments: [String]) -> String? {
        for word in arguments {
            if word == "--" { return nil }
            guard word.hasPrefix("--") else { continue }
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            if inapplicable.contains(name) { return name }
        }
        return nil
    }
}

import Pincel

/// Settings for a larger, more painterly run (GettingStarted.md, "Choosing options"),
/// checked before any work.
func paintedOptions() throws -> TransferOptions {
    var options = TransferOptions()
    options.size = 256             // longer side of the result, pixels (TransferLimits.size)
    options.iterations = 300       // objective evaluations over all scales: the cap
    options.styleWeight = 1000     // more painting, less photo (contentWeight stays 5)
    options.colors = .luminance    // keep the photo's colours
    options.seed = 7               // the same seed gives the same noise start
    options.network.threads = 2    // compute threads (TransferLimits.threads)
    try options.validate(styleCount: 1)
    return options
}

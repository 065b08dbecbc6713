import ArgumentParser
import Pincel

extension TransferCommand {
    /// The library request from the command line, built once and validated by the library
    /// (its errors become one-line invalid-option errors naming the flag, exit 64).
    func makeRequest(seed: UInt64) throws -> TransferRequest {
        try checkCommandLineOptions()
        var o = TransferOptions()
        try objectiveFlags.apply(to: &o)
        o.size = size
        o.iterations = iterations
        o.initial = InitialImage(argument: self.`init`)
        o.optimizer = optimizer
        o.learningRate = learningRate
        o.history = history
        o.preconditionLevels = preconditionLevels
        o.bounded = !unbounded
        o.seed = seed
        o.styleBlend = try parsedStyleBlend()
        o.colors = preserveColors
        o.network = NetworkOptions(pooling: pooling, algorithm: algorithm, precision: precision, threads: threads,
                                   recomputeEarlyBlocks: recompute.setting)
        o.maxPixels = maxPixels
        o.convergenceTolerance = tolerance
        o.scales = scales
        o.scaleIterations = try parsedScaleIterations()
        var request = TransferRequest(content: .file(content), styles: style.map { .file($0) }, options: o)
        request.spatial = try spatialControl()
        try validatingSettings { try request.validate() }
        return request
    }
}

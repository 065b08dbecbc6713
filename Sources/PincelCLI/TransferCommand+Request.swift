import ArgumentParser
import Pincel

extension TransferCommand {
    /// The library request from the command line, built once and validated by the library
    /// (its errors become one-line invalid-option errors naming the flag, exit 64).
    func makeRequest(seed: UInt64) throws -> TransferRequest {
        try checkCommandLineOptions()
        var o = try settings.transferOptions(seed: seed)
        o.iterations = iterations
        o.bounded = !unbounded
        o.network.recomputeEarlyBlocks = recompute.setting
        o.scales = scales
        o.scaleIterations = try parsedScaleIterations()
        var request = TransferRequest(content: .file(content), styles: settings.style.map { .file($0) }, options: o)
        request.spatial = try spatial.spatialControl(style: settings.style)
        try validatingSettings { try request.validate() }
        return request
    }
}

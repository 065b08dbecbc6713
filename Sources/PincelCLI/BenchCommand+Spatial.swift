import ArgumentParser
import Foundation
import Pincel
import PincelBench
import PincelDNNL

extension BenchCommand {
    /// `pincel bench --spatial N`: seconds per transfer iteration, plain and with two style
    /// masks, medians over `repetitions` alternating rounds.
    func runSpatial(iterations: Int) async throws {
        try bounded(iterations, 4...1000, flag: "--spatial")
        let vgg = try CommandLineWeights.load(try CommandLineWeights.path(weights))
        emit("# transfer iterations (L-BFGS, single scale), plain vs two style masks (left/right halves), "
             + "\(repetitions) alternating rounds of \(iterations), first 2 of each untimed")
        emit("# threads: \(threads ?? ComputeThreads.current), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        emit("size  plain_median_s  masked_median_s  ratio  timed_each")
        for size in try parsedSizes() {
            let r = try await SpatialBenchmark.run(weights: vgg, size: size, iterations: iterations, rounds: repetitions,
                                                   threads: threads)
            emit(String(format: "%4d  %14.3f  %15.3f  %5.3f  %d", size, SpatialBenchmark.Result.median(r.plain),
                        SpatialBenchmark.Result.median(r.masked), r.ratio, r.plain.count))
        }
    }
}

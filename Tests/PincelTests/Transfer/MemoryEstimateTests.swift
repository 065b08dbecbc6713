import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite("Memory estimate")
struct MemoryEstimateTests {
    static let transferTaps = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1", "relu4_2"]

    /// The network term against the bytes a real plan allocates: never below, at most 15% above.
    @Test(.needsWeights, arguments: [
        NetworkOptions(algorithm: .winograd),
        NetworkOptions(algorithm: .winograd, recomputeEarlyBlocks: true),
        NetworkOptions(algorithm: .direct),
        NetworkOptions(algorithm: .direct, recomputeEarlyBlocks: true),
    ])
    func networkTermMatchesThePlan(_ options: NetworkOptions) throws {
        let network = try VGG19Network(weights: StyleTransferTests.weights(), taps: Self.transferTaps, options: options)
        let taps = try Self.transferTaps.map { try VGG19Layer(name: $0) }
        for (h, w) in [(96, 96), (120, 200), (256, 256)] {
            try network.prepare(height: h, width: w)
            let actual = network.preparedBytes
            // The estimate also counts the first convolution's input copy, which the plan does not.
            let estimate = MemoryEstimate.networkBytes(height: h, width: w, taps: taps, options: options)
                - 16 * h * w * 4
            print("network \(options.algorithm) recompute \(options.recomputeEarlyBlocks ?? false) \(w)x\(h): "
                  + "plan \(actual >> 10) KiB, estimate \(estimate >> 10) KiB (\(Double(estimate) / Double(actual)))")
            #expect(estimate >= actual, "\(w)x\(h): estimate \(estimate) below the plan's \(actual)")
            #expect(Double(estimate) <= 1.15 * Double(actual), "\(w)x\(h): estimate \(estimate) vs plan \(actual)")
        }
    }

    @Test func largestSizeIsTheLastThatFits() {
        #expect(MemoryEstimate.largestSize(in: 32...16384, fitting: 1000 * 1000) { $0 * $0 } == 1000)
        #expect(MemoryEstimate.largestSize(in: 32...16384, fitting: 1001 * 1001 - 1) { $0 * $0 } == 1000)
        #expect(MemoryEstimate.largestSize(in: 32...16384, fitting: 100) { $0 * $0 } == nil)
        #expect(MemoryEstimate.largestSize(in: 32...500, fitting: Int.max) { $0 } == 500)
    }

    @Test func estimateGrowsWithSizeAndCountsTheParts() throws {
        var options = TransferOptions()
        var last = 0
        for size in [128, 512, 2048, 8192] {
            options.size = size
            let e = try MemoryEstimate.transfer(contentFile: (1000, 750), styleFiles: [(600, 600)], options: options)
            #expect(e.total > last)
            last = e.total
            let n = 3 * size * (size * 3 / 4)
            #expect(e.history == 8 * n * options.effectiveHistory(variables: n))
            #expect(e.total == e.fixed + max(e.styleNetwork, e.network + e.optimizer + e.history))
        }
        options.size = 2048
        options.network.recomputeEarlyBlocks = true
        let on = try MemoryEstimate.transfer(contentFile: (2048, 2048), styleFiles: [(2048, 2048)], options: options)
        options.network.recomputeEarlyBlocks = false
        let off = try MemoryEstimate.transfer(contentFile: (2048, 2048), styleFiles: [(2048, 2048)], options: options)
        #expect(off.network > on.network)
        #expect(MemoryEstimate.availableBytes().map { $0 > 0 } ?? true)
    }
}

/// The whole-run estimate against peak resident sets measured with `/usr/bin/time` (full
/// `pincel` runs, astronaut or coffee in the style of starry_night, `--scales 1`, 2–5
/// iterations; BENCHMARKS.md "Large images" and calibration runs of 2026-11-29). Those runs
/// were short, so L-BFGS had stored only `iterations - 1` history pairs (it allocates pairs as
/// they arrive): the comparison counts those instead of the full history the estimate holds.
@Suite("Memory estimate calibration")
struct MemoryEstimateCalibrationTests {
    struct Measured: Sendable, CustomTestStringConvertible {
        var width: Int, height: Int
        var recompute: Bool?
        var iterations: Int
        var peakMiB: Double
        var optimizer = OptimizerKind.lbfgs
        var testDescription: String {
            "\(width)x\(height) \(optimizer) recompute \(recompute.map(String.init) ?? "auto"): \(peakMiB) MiB"
        }
    }

    static let measured: [Measured] = [
        Measured(width: 256, height: 256, recompute: nil, iterations: 2, peakMiB: 518.4),
        Measured(width: 256, height: 256, recompute: true, iterations: 2, peakMiB: 478.5),
        Measured(width: 512, height: 512, recompute: nil, iterations: 2, peakMiB: 1072.3),
        Measured(width: 512, height: 512, recompute: true, iterations: 2, peakMiB: 915.6),
        Measured(width: 1024, height: 1024, recompute: nil, iterations: 2, peakMiB: 3494),
        Measured(width: 1024, height: 1024, recompute: true, iterations: 2, peakMiB: 2864.5),
        Measured(width: 2048, height: 2048, recompute: nil, iterations: 4, peakMiB: 9.19 * 1024),
        Measured(width: 2048, height: 2048, recompute: false, iterations: 5, peakMiB: 11.68 * 1024),
        Measured(width: 3840, height: 2163, recompute: nil, iterations: 3, peakMiB: 16.75 * 1024),
        Measured(width: 3840, height: 2560, recompute: nil, iterations: 2, peakMiB: 18.13 * 1024),
        Measured(width: 512, height: 512, recompute: nil, iterations: 3, peakMiB: 1073.2, optimizer: .adam),
        Measured(width: 1024, height: 1024, recompute: nil, iterations: 3, peakMiB: 3449.8, optimizer: .adam),
    ]

    @Test(arguments: measured)
    func estimateErrsHighByAtMost15Percent(_ m: Measured) throws {
        let style = try ImageIO.imageInfo(StyleTransferTests.repo.appendingPathComponent("Examples/starry_night.jpg").path)
        var options = TransferOptions()
        options.size = max(m.width, m.height)
        options.scales = 1
        options.network.recomputeEarlyBlocks = m.recompute
        options.optimizer = m.optimizer
        let e = try MemoryEstimate.transfer(contentFile: (m.width, m.height), styleFiles: [style], options: options)
        let variables = 3 * m.width * m.height
        let pairs = m.optimizer == .lbfgs ? options.effectiveHistory(variables: variables) : 0
        // The estimate's full history is a multiple of the pair size 8n.
        #expect(e.history == 8 * variables * pairs)
        let storedPairs = min(m.iterations - 1, pairs)
        let shortRun = e.total - e.history + storedPairs * 8 * variables
        let ratio = Double(shortRun) / (m.peakMiB * 1_048_576)
        print("estimate \(m.testDescription): \(e.total >> 20) MiB in a long run, \(shortRun >> 20) MiB after "
              + "\(m.iterations) iterations (network \(e.network >> 20), style \(e.styleNetwork >> 20), "
              + "optimiser \(e.optimizer >> 20), history \(e.history >> 20)), ratio \(ratio)")
        #expect(ratio >= 1.0 && ratio <= 1.15, "estimate \(shortRun >> 20) MiB for a measured \(m.peakMiB) MiB")
    }
}

import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Every seed converges: a seeded sweep of default transfers (L-BFGS from noise) at small sizes,
/// both poolings, on the real weights (about 95 s on an idle 2-core machine). Before the blind-step fix some seeds sat at their noise
/// start for tens of evaluations (seed 413625244 at 192 px ended 35x above the others).
@Suite("Seed sweep", .needsWeights)
struct SeedSweepTests {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 413625244]
    static let sides = [32, 48, 64]
    static let iterations = 16

    @Test(arguments: [PoolingMode.max, .avg])
    func everySeedFallsEarlyAndEndsNearTheMedian(pooling: PoolingMode) throws {
        let weights = try StyleTransferTests.weights()
        for side in Self.sides {
            let content = try StyleTransferTests.example("astronaut.png", side: side)
            let style = try StyleTransferTests.example("starry_night.jpg", side: side)
            var finals: [(seed: UInt64, value: Float)] = []
            for seed in Self.seeds {
                var options = TransferOptions()
                options.iterations = Self.iterations
                options.scales = 1
                options.seed = seed
                options.network.pooling = pooling
                // Cut the run short: the final values only need to be comparable across seeds.
                options.convergenceTolerance = 0
                var values: [Float] = []
                let result = try TransferEngine.run(content: content, styles: [style], weights: weights, options: options) { p, _ in
                    values.append(p.terms.total); return true
                }
                let first = try #require(values.first)
                let early = values.prefix(10).min() ?? first
                #expect(early < 0.5 * first,
                        "\(pooling) \(side) px seed \(seed): evaluation 1 \(first), best of the first 10 \(early)")
                finals.append((seed, result.quantizedTerms.total))
            }
            let sorted = finals.map(\.value).sorted()
            let median = sorted[sorted.count / 2]
            let worst = sorted.last ?? median
            print("seed sweep \(pooling) \(side) px: median \(median), best \(sorted.first ?? 0), worst \(worst)")
            for (seed, value) in finals {
                #expect(value < 1.5 * median && value > median / 1.5,
                        "\(pooling) \(side) px seed \(seed): \(value) against the median \(median)")
            }
        }
    }
}

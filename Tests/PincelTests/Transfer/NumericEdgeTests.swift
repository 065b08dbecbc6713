import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL
import PincelFigures

/// Library arithmetic on user-sized numbers never traps: bounds are checked before
/// anything is computed or allocated from them.
@Suite("Numeric edges")
struct NumericEdgeTests {
    @Test func scalePlanRefusesHugeCountsBeforeAllocating() {
        // 10⁹ scales used to allocate an 8 GB array of sides before the check.
        #expect(throws: TransferError.self) { try ScalePlan(size: 512, iterations: 10, scales: 1_000_000_000, scaleIterations: nil) }
        #expect(throws: TransferError.self) { try ScalePlan(size: 512, iterations: Int.max, scales: 1, scaleIterations: nil) }
        #expect(throws: TransferError.self) { try ScalePlan(size: 512, iterations: 1 << 62, scales: nil, scaleIterations: nil) }
        #expect(throws: TransferError.self) { try ScalePlan(size: 512, iterations: 1, scales: nil, scaleIterations: [Int.max, Int.max]) }
        #expect(throws: TransferError.self) {
            try ScalePlan(size: 512, iterations: 1, scales: nil, scaleIterations: [ScalePlan.maximumIterations, 1])
        }
        #expect(throws: TransferError.self) { try ScalePlan(size: Int.max, iterations: 10, scales: 64, scaleIterations: nil) }
        #expect(throws: TransferError.self) { try ScalePlan(size: 16, iterations: 10, scales: 1, scaleIterations: nil) }
    }

    @Test func maximumScalesKeepsTheSmallestAt32Pixels() throws {
        #expect(ScalePlan.maximumScales(size: 31) == 0)
        #expect(ScalePlan.maximumScales(size: 32) == 1)
        #expect(ScalePlan.maximumScales(size: 63) == 1)
        #expect(ScalePlan.maximumScales(size: 64) == 2)
        #expect(ScalePlan.maximumScales(size: 16384) == 10)
        #expect(ScalePlan.maximumScales(size: Int.max) == 58)
        let plan = try ScalePlan(size: 16384, iterations: ScalePlan.maximumIterations, scales: 10, scaleIterations: nil)
        #expect(plan.steps.first?.side == 32)
        #expect(plan.iterations == ScalePlan.maximumIterations)
    }

    @Test func clockNeverTraps() {
        #expect(ClockText.format(0) == "0:00")
        #expect(ClockText.format(61.4) == "1:01")
        #expect(ClockText.format(3600 * 2 + 5) == "2:00:05")
        #expect(ClockText.format(-3) == "0:00")
        #expect(ClockText.format(.infinity) == "--:--")
        #expect(ClockText.format(.nan) == "--:--")
        #expect(ClockText.format(1e300) == ">999:00:00")
        #expect(ClockText.format(Double(Int.max)) == ">999:00:00")
    }

    @Test func figureRowsDoNotOverflow() {
        let tile = FigureTile(caption: "a", image: Tensor(zeros: [3, 4, 4]))
        #expect(Figure(tiles: [tile, tile, tile], columns: Int.max).rows == 1)
        #expect(Figure(tiles: [tile, tile, tile], columns: 2).rows == 2)
        #expect(Figure(tiles: [tile, tile], columns: 2).rows == 1)
    }

    /// A stop requested before the first iteration ends the transfer at that iteration.
    @Test(.needsWeights) func transferStopsAtTheFirstIterationWhenAsked() throws {
        let content = try StyleTransferTests.example("astronaut.png", side: 48)
        let style = try StyleTransferTests.example("starry_night.jpg", side: 48)
        var options = TransferOptions()
        options.iterations = 50
        var calls = 0
        let result = try TransferEngine.run(content: content, styles: [style], weights: StyleTransferTests.weights(),
                                           options: options) { _, _ in calls += 1; return false }
        #expect(calls == 1)
        #expect(result.interrupted)
        #expect(result.iterations == 1)
        #expect(result.image.shape == content.shape)
    }
}

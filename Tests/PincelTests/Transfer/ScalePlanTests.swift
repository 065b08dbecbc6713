import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite("Coarse-to-fine schedule")
struct ScalePlanTests {
    @Test func automaticScalesStartAt512AndSplitIterationsEvenly() throws {
        #expect(try ScalePlan(size: 512, iterations: 500, scales: nil, scaleIterations: nil).steps
            == [ScalePlan.Step(side: 512, iterations: 500)])
        #expect(try ScalePlan(size: 1023, iterations: 50, scales: nil, scaleIterations: nil).steps.map(\.side) == [1023])
        let plan = try ScalePlan(size: 1024, iterations: 501, scales: nil, scaleIterations: nil)
        #expect(plan.steps.map(\.side) == [512, 1024])
        #expect(plan.steps.map(\.iterations) == [251, 250])
        #expect(plan.iterations == 501)
        #expect(try ScalePlan(size: 4096, iterations: 1000, scales: nil, scaleIterations: nil).steps.map(\.side) == [512, 1024, 2048, 4096])
        #expect(try ScalePlan(size: 200, iterations: 50, scales: nil, scaleIterations: nil).steps.map(\.side) == [200])
    }

    @Test func explicitScalesAndIterations() throws {
        let single = try ScalePlan(size: 512, iterations: 500, scales: 1, scaleIterations: nil)
        #expect(single.steps == [ScalePlan.Step(side: 512, iterations: 500)])
        let custom = try ScalePlan(size: 512, iterations: 1, scales: nil, scaleIterations: [30, 20, 10])
        #expect(custom.steps.map(\.side) == [128, 256, 512])
        #expect(custom.iterations == 60)
        let odd = try ScalePlan(size: 512, iterations: 10, scales: 3, scaleIterations: nil)
        #expect(odd.iterations == 10)
        #expect(odd.steps.allSatisfy { $0.iterations >= 1 })
    }

    @Test func refusesScalesBelow32Pixels() {
        #expect(throws: TransferError.self) { try ScalePlan(size: 64, iterations: 10, scales: 3, scaleIterations: nil) }
        #expect(throws: TransferError.self) { try ScalePlan(size: 512, iterations: 10, scales: nil, scaleIterations: [5, 0]) }
    }

    @Test(.needsWeights) func pyramidRunEndsAtTheContentSizeAndLowersTheLoss() throws {
        let content = try StyleTransferTests.example("astronaut.png", side: 96)
        let style = try StyleTransferTests.example("starry_night.jpg", side: 96)
        var options = TransferOptions()
        options.scaleIterations = [20, 10]
        options.seed = 2
        var seen: [(Int, Int, Float)] = []
        let result = try TransferEngine.run(content: content, styles: [style], weights: StyleTransferTests.weights(),
                                           options: options) { p, image in
            seen.append((p.scale, image().shape[1], p.terms.total)); return true
        }
        #expect(result.image.shape == content.shape)
        #expect(result.iterations == 30)
        #expect(seen.first?.0 == 1 && seen.first?.1 == 48)
        #expect(seen.last?.0 == 2 && seen.last?.1 == 96)
        // The start of the second scale (upsampled first-scale result) is far better than noise.
        let firstOfScale2 = seen.first { $0.0 == 2 }?.2 ?? 0
        #expect(firstOfScale2 < seen[0].2 / 5)
    }
}

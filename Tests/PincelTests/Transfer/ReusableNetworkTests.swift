import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelDNNL

/// `pincel batch`'s network reuse: transfers run one after another on one ``ReusableNetwork``
/// share one network and build a size's plan once, with the same results as separate runs.
/// Random weights (no file).
@Suite("Reusable network")
struct ReusableNetworkTests {
    static func request(phase: Float, width: Int = 48) -> TransferRequest {
        var r = StyleTransferAPITests.request(iterations: 4, seed: 3)
        r.content = .pixels(StyleTransferAPITests.picture(width: width, height: 40, phase: phase))
        r.options.size = width
        return r
    }

    @Test func itemsOfOneSizeShareTheNetworkAndItsPlan() async throws {
        let weights = StyleTransferAPITests.weights
        let reusable = ReusableNetwork()
        let first = try await StyleTransfer(Self.request(phase: 0), weights: weights).run(reusing: reusable)
        let network = try #require(reusable.kept as? VGG19Network)
        let builds = network.planBuilds  // the content's size and the style's
        #expect(builds == 2, "plans built by the first item: \(builds)")
        let second = try await StyleTransfer(Self.request(phase: 0.7), weights: weights).run(reusing: reusable)
        #expect(reusable.made == 1 && reusable.kept === network)
        #expect(network.planBuilds == builds, "the second item built plans: \(network.planBuilds - builds)")
        // The same pixels as runs that each make their own network.
        let alone = try await StyleTransfer(Self.request(phase: 0.7), weights: weights).run()
        #expect(second.image.data == alone.image.data)
        #expect(first.image.data != second.image.data)
        // Another size: the same network, one more plan; other settings: a new network.
        _ = try await StyleTransfer(Self.request(phase: 0, width: 56), weights: weights).run(reusing: reusable)
        #expect(reusable.made == 1 && network.planBuilds > builds, "another size (content and style) builds its plans")
        var pooled = Self.request(phase: 0)
        pooled.options.network.pooling = .avg
        _ = try await StyleTransfer(pooled, weights: weights).run(reusing: reusable)
        #expect(reusable.made == 2)
    }
}

import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The fast tier's contract: it runs with the weights out of reach, so a test that needs them
/// but lacks `.needsWeights` fails there. Running the fast tier with the weights in reach (for
/// example `PINCEL_TEST_TIER=fast swift test` by hand) would let such a test pass unnoticed:
/// this test fails instead. Use `make test-fast`.
@Suite struct TestTierTests {
    @Test(.enabled(if: TestTier.isFast, "checks the fast tier only"))
    func fastTierCannotSeeTheWeights() {
        #expect(throws: WeightsError.self, "the fast tier must run with the weights hidden (make test-fast)") {
            _ = try WeightsLocator.resolve(explicit: nil)
        }
    }
}

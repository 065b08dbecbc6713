import Foundation
import Testing

/// The test tiers (README, "Tests"). `make test-fast` runs the suite with
/// `PINCEL_TEST_TIER=fast` and the weights hidden (`PINCEL_HOME` an empty folder,
/// `PINCEL_WEIGHTS` unset): tests marked `.needsWeights` are reported as skipped, and a test
/// that needs the weights without the mark fails there instead of passing unnoticed.
/// `make test` then runs everything with the weights (`PINCEL_TEST_TIER=full`), where no test
/// is skipped for lack of them: a missing file is a failure.
public enum TestTier {
    /// True only when `PINCEL_TEST_TIER` is exactly `fast`.
    public static var isFast: Bool { ProcessInfo.processInfo.environment["PINCEL_TEST_TIER"] == "fast" }
}

extension Trait where Self == ConditionTrait {
    /// Marks a test or suite that needs the real VGG19 weights: it runs in the full tier only.
    public static var needsWeights: Self {
        .disabled(if: TestTier.isFast, "needs the VGG19 weights: runs in the full tier (make test), not in make test-fast")
    }
}

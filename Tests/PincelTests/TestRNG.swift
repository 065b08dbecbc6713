@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Deterministic random numbers for tests: the library's SplitMix64 (``SeededRandom``)
/// with uniform draws in Float or Double.
struct TestRNG {
    private var base: SeededRandom

    init(seed: UInt64) { base = SeededRandom(seed: seed) }
    init(state: UInt64) { self.init(seed: state) }

    mutating func next() -> UInt64 { base.next() }

    /// Uniform in [lo, hi), 24-bit resolution.
    mutating func uniformFloat(_ lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }

    /// Uniform in [lo, hi), 53-bit resolution.
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }
}

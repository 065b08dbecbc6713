import Foundation

/// Reproducible random numbers (SplitMix64 with Box–Muller Gaussians).
public struct SeededRandom: Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// A seed drawn at random for a run that was given none: in 0…2³²−1, so that it is short
    /// to print and to pass back (`--seed`) to repeat the run.
    public static func drawSeed() -> UInt64 { UInt64.random(in: 0...UInt64(UInt32.max)) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    public mutating func uniform() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992 }

    /// Standard normal.
    public mutating func gaussian() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}

import ArgumentParser
import Foundation
import Pincel

/// Refuses, before any work, a run whose estimated peak memory (``MemoryEstimate``) is above
/// what the machine has available (MemAvailable, or the cgroup's limit) less a 5% margin:
/// exit 64 with the estimate, what is available and the largest `--size` that fits.
enum MemoryCheck {
    /// - Parameter estimate: bytes needed at a given `--size` (throws or grows with the size).
    static func require(size: Int, sizes: ClosedRange<Int>, flag: String = "--size",
                        estimate: (Int) throws -> Int) throws {
        guard let available = MemoryEstimate.availableBytes() else { return }
        let budget = available - available / 20
        let need = try estimate(size)
        guard need > budget else { return }
        let fits = MemoryEstimate.largestSize(in: sizes.lowerBound...min(size, sizes.upperBound), fitting: budget) {
            (try? estimate($0)) ?? Int.max
        }
        let advice = fits.map { "\(flag) \($0) fits" } ?? "even \(flag) \(sizes.lowerBound) does not fit"
        throw ValidationError.oneLine("\(flag) \(size) needs about \(gib(need)) of memory; \(gib(available)) is available; \(advice)")
    }

    static func gib(_ bytes: Int) -> String { String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
}

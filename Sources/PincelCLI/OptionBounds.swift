import ArgumentParser
import Foundation
import Pincel

/// The documented range of every integer option of every command, checked in `validate()`
/// before any work, so nothing computed from an option can overflow or allocate without
/// limit.
///
/// | option | range |
/// | --- | --- |
/// | `--size` (transfer) | 32…16384, and size² ≤ `--max-pixels` |
/// | `--size` (reconstruct, sheet), `bench --sizes` | 32…4096 |
/// | `--iterations`, each `--scale-iterations` and their sum | 1…1,000,000 (``ScalePlan/maximumIterations``) |
/// | `--save-every` | 0…1,000,000 |
/// | `--print-every` | 1…1,000,000 |
/// | `--scales` | 1…floor(log2(size / 32)) + 1 (the smallest scale at least 32 px) |
/// | `--history` | 1…1000 |
/// | `--precondition-levels` | 0…12 |
/// | `--threads` | 1…max(4 × cores, 64) |
/// | `--max-pixels` | 1024…1,000,000,000 |
/// | `--columns` | 1…1000 |
/// | `--quality` | 1…100 |
/// | `bench --repetitions` | 1…1000 |
/// | list lengths (`bench --sizes`, `sheet ratio --ratios`) | 1…64 |
enum OptionBounds {
    static let size = 32...16384
    static let figureSize = 32...4096
    static let iterations = 1...ScalePlan.maximumIterations
    static let saveEvery = 0...ScalePlan.maximumIterations
    static let printEvery = 1...ScalePlan.maximumIterations
    static let history = 1...1000
    static let preconditionLevels = 0...12
    /// More threads than this only oversubscribe the cores (and 100000 crash libgomp).
    static let threads = TransferLimits.threads
    static let maxPixels = 1024...1_000_000_000
    static let columns = 1...1000
    static let quality = 1...100
    static let repetitions = 1...1000
    static let listLength = 1...64

    /// `--scales` for a longer side of `size` pixels.
    static func scales(size: Int) -> ClosedRange<Int> { 1...max(1, ScalePlan.maximumScales(size: size)) }
}

/// Throws a ValidationError naming `flag` and its range when `value` is outside it.
func bounded(_ value: Int, _ range: ClosedRange<Int>, flag: String) throws {
    guard range.contains(value) else {
        throw ValidationError.oneLine("\(flag) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }
}

/// The same for an optional option (nil: not given, nothing to check).
func bounded(_ value: Int?, _ range: ClosedRange<Int>, flag: String) throws {
    if let value { try bounded(value, range, flag: flag) }
}

/// Parses a comma-separated list strictly (every item must parse; none is dropped) and
/// bounds its length. `expected` says what the items are, e.g. "sizes in pixels".
func parsedList<T>(_ text: String, flag: String, expected: String, _ parse: (String) -> T?) throws -> [T] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
    let range = OptionBounds.listLength
    guard range.contains(items.count) else {
        throw ValidationError.oneLine("\(flag) must list \(range.lowerBound) to \(range.upperBound) \(expected), got \(items.count)")
    }
    return try items.map { item in
        guard let value = parse(item) else {
            throw ValidationError.oneLine("\(flag): '\(item)' is not valid; give \(expected) separated by commas")
        }
        return value
    }
}

import PincelCore

/// Arithmetic on numbers read from a weight file.
///
/// Every offset, size, stride, count or shape that comes from a file goes through these
/// helpers, which throw ``WeightsError/malformed(path:detail:)`` instead of trapping on overflow.
struct CheckedMath {
    /// The file being read (for messages).
    let path: String
    /// What the numbers describe (for messages), e.g. "tensor features.0.weight".
    let context: String

    private func overflow(_ op: String, _ a: Int, _ b: Int) -> WeightsError {
        .malformed(path: path, detail: "\(context): \(a) \(op) \(b) overflows")
    }

    func add(_ a: Int, _ b: Int) throws -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw overflow("+", a, b) }
        return r
    }

    func subtract(_ a: Int, _ b: Int) throws -> Int {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw overflow("-", a, b) }
        return r
    }

    func multiply(_ a: Int, _ b: Int) throws -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw overflow("*", a, b) }
        return r
    }

    /// Product of `values` (e.g. a shape's element count).
    func product<S: Sequence<Int>>(_ values: S) throws -> Int {
        try values.reduce(1) { try multiply($0, $1) }
    }

    /// `value` as an `Int`, when a file gives it as an unsigned 64-bit number.
    func int(_ value: UInt64) throws -> Int {
        guard let r = Int(exactly: value) else {
            throw WeightsError.malformed(path: path, detail: "\(context): \(value) is too large")
        }
        return r
    }

    /// `base + offset ..< base + offset + count`, after checking it lies inside `bounds`.
    func range(base: Int, offset: Int, count: Int, within bounds: Range<Int>, what: String) throws -> Range<Int> {
        guard offset >= 0, count >= 0 else {
            throw WeightsError.malformed(path: path, detail: "\(context): \(what) has a negative offset or size")
        }
        let start = try add(base, offset)
        let end = try add(start, count)
        guard start >= bounds.lowerBound, end <= bounds.upperBound else {
            throw WeightsError.truncated(path: path, detail: "\(context): \(what) (bytes \(offset)..<\(offset &+ count)) lies outside the file")
        }
        return start..<end
    }
}

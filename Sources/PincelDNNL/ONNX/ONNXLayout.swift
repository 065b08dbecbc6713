import PincelCore

/// The operators of the instant networks that move values without changing them: `Reshape`,
/// `Transpose`, `Pad` and nearest-neighbour `Resize`.
enum ONNXLayout {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var st = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            st[i] = acc
            acc *= shape[i]
        }
        return st
    }

    /// `Reshape` with ONNX's `0` (keep that dimension) and one `-1` (whatever remains).
    static func reshape(_ x: ONNXValue, to requested: [Int]) throws -> ONNXValue {
        var shape = requested
        for (i, d) in shape.enumerated() where d == 0 {
            guard i < x.shape.count else { throw ONNXRunError.shapes("Reshape \(x.shape) to \(requested)") }
            shape[i] = x.shape[i]
        }
        let known = shape.filter { $0 != -1 }
        guard known.allSatisfy({ $0 > 0 }), shape.filter({ $0 == -1 }).count <= 1 else {
            throw ONNXRunError.shapes("Reshape \(x.shape) to \(requested)")
        }
        let product = known.reduce(1, *)
        if let i = shape.firstIndex(of: -1) {
            guard x.count % product == 0 else { throw ONNXRunError.shapes("Reshape \(x.shape) to \(requested)") }
            shape[i] = x.count / product
        }
        guard shape.reduce(1, *) == x.count else { throw ONNXRunError.shapes("Reshape \(x.shape) to \(requested)") }
        return ONNXValue(shape: shape, data: x.data)
    }

    /// `Transpose` by `perm` (output dimension `i` is input dimension `perm[i]`).
    static func transpose(_ x: ONNXValue, perm: [Int]) throws -> ONNXValue {
        let rank = x.shape.count
        guard perm.count == rank, Set(perm) == Set(0 ..< rank) else {
            throw ONNXRunError.shapes("Transpose of \(x.shape) by \(perm)")
        }
        let shape = perm.map { x.shape[$0] }
        let inStrides = strides(x.shape)
        return gather(x, shape: shape, maps: shape.map { Array(0 ..< $0) }, strides: perm.map { inStrides[$0] }, fill: 0)
    }

    /// The value of `shape` whose element at index `(i_0, …, i_r)` is `x`'s element at offset
    /// `Σ maps[a][i_a] · strides[a]`, or `fill` where a map holds -1: the one loop behind
    /// `Transpose`, `Pad` and `Resize`. Rows of the last axis run in parallel.
    static func gather(_ x: ONNXValue, shape: [Int], maps: [[Int]], strides st: [Int], fill: Float) -> ONNXValue {
        let rank = shape.count, count = shape.reduce(1, *)
        if rank == 0 { return ONNXValue(shape: shape, data: x.data) }
        var out = [Float](repeating: fill, count: count)
        guard count > 0, x.count > 0, rank > 0 else { return ONNXValue(shape: shape, data: out) }
        let inner = shape[rank - 1], outer = count / inner
        let innerMap = maps[rank - 1], innerStride = st[rank - 1]
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dstBuffer in
                let s = src, d = dstBuffer
                ParallelChunks.run(outer) { rows in
                    for o in rows {
                        var rem = o, offset = 0, inside = true
                        for dim in stride(from: rank - 2, through: 0, by: -1) {
                            let j = maps[dim][rem % shape[dim]]
                            rem /= shape[dim]
                            if j < 0 { inside = false; break }
                            offset += j * st[dim]
                        }
                        guard inside else { continue }
                        let base = o * inner
                        for i in 0 ..< inner where innerMap[i] >= 0 { d[base + i] = s[offset + innerMap[i] * innerStride] }
                    }
                }
            }
        }
        return ONNXValue(shape: shape, data: out)
    }

    /// Where output index `i` of a padded axis reads from (`nil`: the constant).
    private static func source(_ i: Int, before: Int, extent n: Int, mode: String) -> Int? {
        let j = i - before
        if j >= 0 && j < n { return j }
        switch mode {
        case "reflect":
            // Reflection without repeating the edge; pads never exceed n - 1 (checked).
            return j < 0 ? -j : 2 * (n - 1) - j
        case "edge": return j < 0 ? 0 : n - 1
        default: return nil
        }
    }

    /// For each axis of `Pad` (`pads` checked: `2 · rank` values, non-negative), the source index
    /// of every output index, or -1 for the constant; a reflection longer than its side throws.
    private static func padMaps(_ shape: [Int], pads: [Int], mode: String) throws -> [[Int]] {
        let rank = shape.count
        return try (0 ..< rank).map { a in
            let before = pads[a], after = pads[a + rank]
            if mode == "reflect", before > 0 || after > 0, before >= shape[a] || after >= shape[a] {
                throw ONNXRunError.shapes("reflection Pad of \(before), \(after) on a side of \(shape[a]) (the image is too small)")
            }
            return (0 ..< shape[a] + before + after).map { source($0, before: before, extent: shape[a], mode: mode) ?? -1 }
        }
    }

    /// `Pad` with `pads = [begin_0, …, begin_r, end_0, …, end_r]` (non-negative) in mode
    /// `constant`, `reflect` or `edge`.
    static func pad(_ x: ONNXValue, pads: [Int], mode: String, value: Float) throws -> ONNXValue {
        let rank = x.shape.count
        guard pads.count == 2 * rank, pads.allSatisfy({ $0 >= 0 }) else {
            throw ONNXRunError.shapes("Pad of \(x.shape) by \(pads)")
        }
        let maps = try padMaps(x.shape, pads: pads, mode: mode)
        let shape = maps.map(\.count)
        return gather(x, shape: shape, maps: maps, strides: strides(x.shape), fill: value)
    }

    /// For each axis of a nearest `Resize` by `scales` (checked), the input index of every
    /// output index: `floor(i / s)`, the output `floor(n · s)` long.
    private static func resizeMaps(_ shape: [Int], scales: [Float]) -> [[Int]] {
        (0 ..< shape.count).map { a in
            (0 ..< Int((Float(shape[a]) * scales[a]).rounded(.down))).map {
                min(Int((Float($0) / scales[a]).rounded(.down)), shape[a] - 1)
            }
        }
    }

    /// Nearest-neighbour `Resize` with `asymmetric` coordinates and `floor` rounding: output
    /// index `i` of an axis scaled by `s` reads input index `floor(i / s)`.
    static func resizeNearest(_ x: ONNXValue, scales: [Float]) throws -> ONNXValue {
        let rank = x.shape.count
        guard scales.count == rank, scales.allSatisfy({ $0 > 0 && $0.isFinite && $0 <= 64 }) else {
            throw ONNXRunError.shapes("Resize of \(x.shape) by \(scales)")
        }
        let maps = resizeMaps(x.shape, scales: scales)
        let shape = maps.map(\.count)
        return gather(x, shape: shape, maps: maps, strides: strides(x.shape), fill: 0)
    }
}

/// The layout operators on values in either storage order (``ONNXValue/channelsLast``).
extension ONNXLayout {
    /// `Transpose`. The two moves between NHWC and NCHW are free relabellings: a row-major
    /// `[N, H, W, C]` value transposed by `[0, 3, 1, 2]` is that data seen as a channels-last
    /// `[N, C, H, W]`, and back by `[0, 2, 3, 1]`. Any other transpose is done on row-major data.
    static func transposeKeepingStorage(_ x: ONNXValue, perm: [Int]) throws -> ONNXValue {
        if x.shape.count == 4 && !x.channelsLast && perm == [0, 3, 1, 2] {
            return ONNXValue(shape: ONNXValue.fromChannelsLast(x.shape), data: x.data, channelsLast: true)
        }
        if x.channelsLast && perm == [0, 2, 3, 1] {
            return ONNXValue(shape: x.storedShape, data: x.data)
        }
        return try transpose(x.rowMajor(), perm: perm)
    }

    /// `Pad`, in the value's storage order.
    static func padKeepingStorage(_ x: ONNXValue, pads: [Int], mode: String, value: Float) throws -> ONNXValue {
        if !x.channelsLast, x.shape.count == 4, pads.count == 8, pads[3] == 0, pads[7] == 0 {
            // A row-major [N, H, W, C] value (an image before its transpose) padded in H and W
            // is a channels-last [N, C, H, W] one padded in its spatial axes.
            let seen = ONNXValue(shape: ONNXValue.fromChannelsLast(x.shape), data: x.data, channelsLast: true)
            let moved = [pads[0], pads[3], pads[1], pads[2], pads[4], pads[7], pads[5], pads[6]]
            let out = try padKeepingStorage(seen, pads: moved, mode: mode, value: value)
            return ONNXValue(shape: out.storedShape, data: out.data)
        }
        guard x.channelsLast else { return try pad(x, pads: pads, mode: mode, value: value) }
        guard pads.count == 8 else { throw ONNXRunError.shapes("Pad of \(x.shape) by \(pads)") }
        if pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0, pads.allSatisfy({ $0 >= 0 }) {
            let maps = try padMaps(x.shape, pads: pads, mode: mode)
            return spatialGather(x, rows: maps[2], columns: maps[3], fill: value)
        }
        let stored = [pads[0], pads[2], pads[3], pads[1], pads[4], pads[6], pads[7], pads[5]]
        let out = try pad(ONNXValue(shape: x.storedShape, data: x.data), pads: stored, mode: mode, value: value)
        return ONNXValue(shape: ONNXValue.fromChannelsLast(out.shape), data: out.data, channelsLast: true)
    }

    /// Nearest `Resize`, in the value's storage order.
    static func resizeKeepingStorage(_ x: ONNXValue, scales: [Float]) throws -> ONNXValue {
        guard x.channelsLast else { return try resizeNearest(x, scales: scales) }
        guard scales.count == 4 else { throw ONNXRunError.shapes("Resize of \(x.shape) by \(scales)") }
        if scales[0] == 1, scales[1] == 1, scales.allSatisfy({ $0 > 0 && $0.isFinite && $0 <= 64 }) {
            let maps = resizeMaps(x.shape, scales: scales)
            return spatialGather(x, rows: maps[2], columns: maps[3], fill: 0)
        }
        let stored = [scales[0], scales[2], scales[3], scales[1]]
        let out = try resizeNearest(ONNXValue(shape: x.storedShape, data: x.data), scales: stored)
        return ONNXValue(shape: ONNXValue.fromChannelsLast(out.shape), data: out.data, channelsLast: true)
    }

    /// A channels-last value moved in its two spatial axes only (`Pad` of H and W, a nearest
    /// `Resize` of H and W): output pixel `(i, j)` of every image copies the `C` values of input
    /// pixel `(rows[i], columns[j])`, or is `fill` where either map holds -1. Runs of
    /// consecutive source columns are copied as one block; output rows run in parallel.
    static func spatialGather(_ x: ONNXValue, rows: [Int], columns: [Int], fill: Float) -> ONNXValue {
        let images = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let outRows = rows.count, outColumns = columns.count, rowLength = outColumns * c
        let count = images * outRows * rowLength
        let shape = [images, c, outRows, outColumns]
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            x.data.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress, let dst = buffer.baseAddress, count > 0 else { return }
                let runs = columnRuns(columns)
                ParallelChunks.run(images * outRows, minimum: max(1, ParallelChunks.threshold / max(rowLength, 1))) { range in
                    for r in range {
                        let image = r / outRows, i = r % outRows
                        let out = dst + r * rowLength
                        guard rows[i] >= 0 else { out.update(repeating: fill, count: rowLength); continue }
                        let input = src + (image * h + rows[i]) * w * c
                        for run in runs {
                            if run.source < 0 {
                                (out + run.start * c).update(repeating: fill, count: run.length * c)
                            } else {
                                (out + run.start * c).update(from: input + run.source * c, count: run.length * c)
                            }
                        }
                    }
                }
            }
            initialized = count
        }
        return ONNXValue(shape: shape, data: data, channelsLast: true)
    }

    /// `columns` as runs: `length` output columns from `start` read consecutive input columns
    /// from `source` (or are all the fill, `source` -1).
    private static func columnRuns(_ columns: [Int]) -> [(start: Int, source: Int, length: Int)] {
        var runs: [(start: Int, source: Int, length: Int)] = []
        for (j, sj) in columns.enumerated() {
            if let last = runs.last, last.start + last.length == j,
               (last.source < 0 && sj < 0) || (last.source >= 0 && last.source + last.length == sj) {
                runs[runs.count - 1].length += 1
            } else {
                runs.append((start: j, source: sj, length: 1))
            }
        }
        return runs
    }
}

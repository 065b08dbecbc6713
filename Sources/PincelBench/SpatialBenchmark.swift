import Foundation
import Pincel
import Synchronization

/// Times transfer iterations with and without spatial control: the same run plain, and with
/// two style masks (left and right halves, one painting each), alternated so that a change in
/// the machine's load hits both alike.
public enum SpatialBenchmark {
    /// Seconds per objective evaluation of each kind, one per timed evaluation.
    public struct Result: Sendable {
        /// Plain runs.
        public var plain: [Double]
        /// Two-region runs.
        public var masked: [Double]
        /// Median of `values` (the upper one for an even count); 0 when empty.
        public static func median(_ values: [Double]) -> Double {
            values.isEmpty ? 0 : values.sorted()[values.count / 2]
        }
        /// `median(masked) / median(plain)`.
        public var ratio: Double { Self.median(masked) / max(1e-12, Self.median(plain)) }
    }

    /// A smooth RGB test pattern, `[3, h, w]`.
    static func pattern(width: Int, height: Int, phase: Float) -> Tensor {
        var data = [Float](repeating: 0, count: 3 * width * height)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    data[(c * height + y) * width + x] = 127.5 + 100 * sin(Float(x) * 0.05 + Float(y) * 0.03 * Float(c + 1) + phase)
                }
            }
        }
        return Tensor(shape: [3, height, width], data: data)
    }

    /// A half-image mask as RGB pixels.
    static func half(left: Bool, size: Int) -> ImageSource {
        var data = [Float](repeating: 0, count: 3 * size * size)
        for c in 0..<3 { for y in 0..<size { for x in 0..<size where (x < size / 2) == left { data[(c * size + y) * size + x] = 255 } } }
        return .pixels(Tensor(shape: [3, size, size], data: data))
    }

    /// `rounds` plain and `rounds` two-region runs of `iterations` evaluations at `size` px,
    /// alternating; the first `warmup` evaluations of each run (targets, first allocations)
    /// are not timed.
    public static func run(weights: VGG19Weights, size: Int, iterations: Int, rounds: Int = 2, warmup: Int = 2,
                           threads: Int? = nil, mode: SpatialControl.GuideMode = .downsampled) async throws -> Result {
        var options = TransferOptions()
        options.size = size
        options.iterations = iterations
        options.scales = 1
        options.seed = 1
        options.convergenceTolerance = 0
        options.network.threads = threads
        let content = ImageSource.pixels(pattern(width: size, height: size, phase: 0))
        let styles: [ImageSource] = [.pixels(pattern(width: size, height: size, phase: 1)),
                                     .pixels(pattern(width: size, height: size, phase: 2))]
        let plain = TransferRequest(content: content, styles: styles, options: options)
        var masked = plain
        masked.spatial = SpatialControl(styleMasks: [half(left: true, size: size), half(left: false, size: size)], guideMode: mode)
        var result = Result(plain: [], masked: [])
        for _ in 0..<max(1, rounds) {
            result.plain += try await intervals(plain, weights: weights, warmup: warmup)
            result.masked += try await intervals(masked, weights: weights, warmup: warmup)
        }
        return result
    }

    /// Seconds between consecutive evaluations after the warm-up.
    static func intervals(_ request: TransferRequest, weights: VGG19Weights, warmup: Int) async throws -> [Double] {
        let times = Mutex<[Double]>([])
        _ = try await StyleTransfer(request, weights: weights).run { event in
            if let p = event.progress { times.withLock { $0.append(p.elapsed) } }
        }
        let t = times.withLock { $0 }
        guard t.count > warmup + 1 else { return [] }
        return (warmup + 1..<t.count).map { t[$0] - t[$0 - 1] }
    }
}

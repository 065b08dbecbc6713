import ArgumentParser
import Foundation
import Pincel
import PincelBench
import PincelDNNL

/// `pincel bench --instant [--peer PYTHON]`: the instant network's speed, and onnxruntime's on
/// the same input in the same run.
extension BenchCommand {
    func runInstant() throws {
        try bounded(repetitions, OptionBounds.repetitions, flag: "--repetitions")
        let threadCount = threads ?? ComputeThreads.current
        let stylizer = try InstantStylizer(threads: threadCount)
        emit("# instant network (Ghiasi et al. 2017) on oneDNN, f32: median of \(repetitions) after one warm-up")
        emit("# threads: \(threadCount), \(ProcessInfo.processInfo.activeProcessorCount) cores; square pictures,")
        emit("# style vector once, transformer per picture (layout and padding included)")
        let painting = Self.pattern(side: InstantStylizer.styleSide, phase: 1)
        let (predictorMs, vector) = try medianMs { try stylizer.styleVector(of: painting) }
        emit(String(format: "predictor (256x256 painting): %.1f ms", predictorMs))
        emit("size  ms_per_picture  pictures_per_s")
        for size in try parsedSizes() {
            let photo = Self.pattern(side: size, phase: 2)
            let (ms, _) = try medianMs { try stylizer.stylize(photo, style: vector) }
            emit(String(format: "%4d  %14.1f  %14.2f", size, ms, 1000 / ms))
        }
        if let peer { try runPeer(python: peer, stylizer: stylizer, threads: threadCount) }
        emit(String(format: "peak resident memory: %.0f MiB", Double(EngineBenchmark.peakResidentBytes()) / 1048576))
    }

    /// The median milliseconds of `body` over `repetitions` timed runs after one untimed one,
    /// and the last result.
    func medianMs<T>(runs: Int? = nil, _ body: () throws -> T) throws -> (Double, T) {
        var result = try body()
        var times: [Double] = []
        for _ in 0 ..< (runs ?? repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            result = try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return (Self.median(times), result)
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// A deterministic picture of whole 0…255 values (the network's time does not depend on
    /// what it shows), `[3, side, side]`.
    static func pattern(side: Int, phase: Float) -> Tensor {
        var t = Tensor(zeros: [3, side, side])
        for c in 0 ..< 3 {
            for y in 0 ..< side {
                for x in 0 ..< side {
                    let v = sin(Float(x) * 0.05 * Float(c + 1) + Float(y) * 0.031 + phase) * cos(Float(x + y) * 0.007)
                    t.data[(c * side + y) * side + x] = (127.5 + 127.5 * v).rounded()
                }
            }
        }
        return t
    }

    /// `[3, H, W]` 0…255 → `[H, W, 3]` value / 255 as little-endian float32 bytes (the
    /// network's input, computed as Pincel computes it).
    static func interleavedBytes(_ image: Tensor) -> Data {
        let plane = image.shape[1] * image.shape[2]
        var values = [Float](repeating: 0, count: plane * 3)
        for i in 0 ..< plane { for c in 0 ..< 3 { values[3 * i + c] = image.data[c * plane + i] / 255 } }
        return values.withUnsafeBufferPointer { Data(buffer: $0) }
    }
}

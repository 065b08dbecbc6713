import Foundation
import Pincel
import PincelDNNL

/// Times VGG19 forward+backward passes (conv1_1 … relu5_1) for each engine mode.
public enum EngineBenchmark {
    /// One measured configuration.
    public struct Result: Sendable {
        /// Side of the square test image, pixels.
        public var size: Int
        /// The engine mode measured.
        public var options: NetworkOptions
        /// Seconds per forward+backward pass, one per repetition.
        public var seconds: [Double]
        /// Bytes of the network's buffers at this size.
        public var bufferBytes: Int
        /// The median of ``seconds`` (the upper one for an even count); needs at least one.
        public var median: Double { seconds.sorted()[seconds.count / 2] }
        /// Forward FLOPs of direct convolution up to relu5_1 (2 per multiply-add).
        public var forwardFLOPs: Double { EngineBenchmark.forwardFLOPs(height: size, width: size) }
        /// Direct-convolution FLOPs of forward + backward-data (2x forward) per second.
        public var gflops: Double { 2 * forwardFLOPs / median / 1e9 }
    }

    /// The style-transfer taps: relu1_1 … relu5_1 and relu4_2.
    public static let taps = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu4_2", "relu5_1"]

    /// Direct-convolution forward FLOPs through conv5_1 for an image size.
    public static func forwardFLOPs(height: Int, width: Int) -> Double {
        var total = 0.0
        for c in VGG19Architecture.convs where c.block < 5 || c.index == 1 {
            let scale = 1 << (c.block - 1)
            let hw = Double(height / scale) * Double(width / scale)
            total += 2 * 9 * Double(c.inChannels) * Double(c.outChannels) * hw
        }
        return total
    }

    /// Measures `repetitions` passes (at least 1) after one warm-up pass, on a `size` × `size`
    /// pixel test pattern.
    ///
    /// - Throws: ``VGGError`` or ``DNNLError`` when the network cannot run at that size.
    public static func run(weights: VGG19Weights, size: Int, options: NetworkOptions,
                           repetitions: Int) throws -> Result {
        let net = try VGG19Network(weights: weights, taps: taps, options: options)
        var image = Tensor(zeros: [3, size, size])
        for i in image.data.indices { image.data[i] = Float((i * 7919) % 256) }
        var gradient = [Float](repeating: 0, count: image.count)
        func pass() throws {
            try image.data.withUnsafeBufferPointer { try net.forward(image: $0, height: size, width: size) }
            try gradient.withUnsafeMutableBufferPointer { image in
                try net.backward(into: image) { t, g in
                    let a = try net.activation(t)
                    for i in 0..<g.count { g[i] = a[i] * 1e-3 }
                }
            }
        }
        try pass()
        var seconds: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try pass()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return Result(size: size, options: options, seconds: seconds, bufferBytes: net.preparedBytes)
    }

    /// Peak resident memory of this process so far (VmHWM), in bytes.
    public static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }
}

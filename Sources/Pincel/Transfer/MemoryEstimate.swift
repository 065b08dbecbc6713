import PincelCore
import PincelWeights
import PincelImaging
internal import PincelDNNL
import Foundation

/// A run's peak memory, estimated before any work from the sizes the run will allocate.
///
/// - ``network``: the largest `NetworkPlan` of the run (one plan exists at a time; the
///   content image and each style image at every scale get one), counted the way the plan
///   allocates: every convolution and pooling output (or, with recomputation, the shared
///   region of the largest segment), pooling workspaces, the taps' plain f32 copies, two
///   ping-pong gradient buffers as large as the largest activation, forward and backward
///   weights, the input buffers, and one scratchpad: Winograd's grows with
///   `(in + out channels) × pixels` of each layer that uses it (`NetworkPlan.algorithm`),
///   direct convolution needs almost none.
/// - ``optimizer``: the optimiser's and the objective's buffers per variable at the last
///   (largest) scale, plus the images.
/// - ``history``: L-BFGS pairs, `2 × pairs × variables` floats with the pairs capped as
///   ``TransferOptions/effectiveHistory(variables:)`` does (about 1 GiB).
/// - ``fixed``: weights as loaded and kept in plain form, libraries, threads.
///
/// The per-variable and fixed terms are calibrated on peak resident sets measured by
/// `/usr/bin/time` (BENCHMARKS.md "Large images", 256 px to 3840x2560) so the estimate errs
/// high by 0–15% (test `MemoryEstimateCalibrationTests`). The history is counted full, as a
/// long run fills it (L-BFGS allocates its pairs as they arrive).
public struct MemoryEstimate: Sendable, Equatable {
    /// The largest plan for the content image (at the last scale), alive while optimising.
    public var network: Int
    /// The largest plan for a style image, alive only while the style targets are computed
    /// (before the optimiser's buffers exist; the plan is replaced, not added to).
    public var styleNetwork: Int
    /// The optimiser's and the objective's buffers at the last scale, and the images, bytes.
    public var optimizer: Int
    /// The L-BFGS history, full, bytes (0 for Adam).
    public var history: Int
    /// Weights, libraries and threads, bytes.
    public var fixed: Int

    /// The peak: the larger of the style-target phase and the optimisation phase.
    public var total: Int { fixed + max(styleNetwork, network + optimizer + history) }

    // MARK: Calibration (see the type's documentation)

    /// Winograd scratchpad per layer, in floats: `α (in + out) h w + β in out` (fitted to the
    /// plans oneDNN 2.6 builds at 96…1024 px: about 42 MiB for the 512-channel layers of a
    /// small image, 584 MiB for conv1_2 at 1024x1024).
    static let winogradPerChannelPixel = 1.2
    static let winogradPerWeight = 48.0
    /// Small buffers outside the per-layer sums (padded first-layer weights and the like).
    static let planSlack = 32 << 10
    /// Pooling workspace bytes per pooled output element (max pooling).
    static let poolWorkspaceBytes = 1
    /// Floats per optimisation variable besides the history: L-BFGS keeps x, the gradient,
    /// anchor, anchor gradient, direction, mask, the preconditioner's work vector and pyramid
    /// (about 2.2 n), a spare pair; the transfer keeps the start, the previous scale's result,
    /// the objective's RGB copy, the displayable image and the content.
    static let lbfgsFloatsPerVariable = 20
    static let adamFloatsPerVariable = 14
    /// Weights (file contents, plain and reordered copies outside the plan), runtime,
    /// OpenMP and libvips.
    static let fixedBytes = 256 << 20

    /// The estimate for a style transfer.
    /// - Parameters:
    ///   - content: the content image's size as it will be loaded (longer side = `options.size`).
    ///   - styles: each style image's size as it will be loaded (longer side = size × styleScale).
    ///   - options: the settings of the run (scales, layers, optimiser, network).
    public static func transfer(content: (width: Int, height: Int), styles: [(width: Int, height: Int)],
                                options: TransferOptions) throws -> MemoryEstimate {
        let size = max(content.width, content.height)
        let plan = try ScalePlan(size: size, iterations: options.iterations, scales: options.scales,
                                 scaleIterations: options.scaleIterations)
        let taps = try ObjectiveSpec(options).taps.map { try VGG19Layer(name: $0) }
        var network = 0, styleNetwork = 0
        for (k, step) in plan.steps.enumerated() {
            let last = k + 1 == plan.steps.count
            let c = last ? content : try ImageIO.size(width: content.width, height: content.height, longerSide: step.side)
            network = max(network, networkBytes(height: c.height, width: c.width, taps: taps, options: options.network))
            let factor = Double(step.side) / Double(size)
            for s in styles {
                let side = last ? max(s.width, s.height)
                    : max(32, Int((Double(max(s.width, s.height)) * factor).rounded()))
                let d = try ImageIO.size(width: s.width, height: s.height, longerSide: side)
                styleNetwork = max(styleNetwork, networkBytes(height: d.height, width: d.width, taps: taps, options: options.network))
            }
        }
        let pixels = content.width * content.height
        let variables = (options.colors == .luminance ? 1 : 3) * pixels
        let stylePixels = styles.reduce(0) { $0 + $1.width * $1.height }
        let perVariable = options.optimizer == .lbfgs ? lbfgsFloatsPerVariable : adamFloatsPerVariable
        let optimizer = 4 * (perVariable * variables + 3 * stylePixels)
        let history = options.optimizer == .lbfgs ? 8 * variables * options.effectiveHistory(variables: variables) : 0
        return MemoryEstimate(network: network, styleNetwork: styleNetwork, optimizer: optimizer, history: history,
                              fixed: fixedBytes)
    }

    /// The estimate from the image files' own sizes (as ``ImageIO/imageInfo(_:)`` reads
    /// them): the content is loaded with its longer side `options.size`, each style with
    /// `max(32, size × styleScale)`, as the `pincel` command does.
    public static func transfer(contentFile: (width: Int, height: Int), styleFiles: [(width: Int, height: Int)],
                                options: TransferOptions) throws -> MemoryEstimate {
        let styleSide = max(32, Int((Float(options.size) * options.styleScale).rounded()))
        return try transfer(content: ImageIO.size(width: contentFile.width, height: contentFile.height, longerSide: options.size),
                            styles: styleFiles.map { try ImageIO.size(width: $0.width, height: $0.height, longerSide: styleSide) },
                            options: options)
    }

    /// The network part of `pincel bench` (`EngineBenchmark`, module PincelBench) at
    /// `size x size` (taps up to relu5_1), plus the fixed part.
    public static func benchmark(size: Int, options: NetworkOptions) throws -> Int {
        networkBytes(height: size, width: size, taps: [try VGG19Layer(name: "relu5_1")], options: options) + fixedBytes
    }

    /// Bytes the network's buffers take for `height x width` pixels with these taps (the
    /// plan's own count plus the input copy the first convolution reads).
    public static func networkBytes(height: Int, width: Int, taps: [VGG19Layer], options: NetworkOptions) -> Int {
        let element = options.precision == .bf16 ? 2 : 4
        let deepest = taps.map(\.operationIndex).max() ?? 0
        let recomputes = options.recomputes(height: height, width: width)
            && deepest > PlanMemory.poolOperationIndex(block: 2)
        var segments = [0, 0, 0, 0]
        var kept = 0, weights = 0, tapCopies = 0, scratch = 0.0
        var largest = 16 * height * width * element
        var (h, w, block, convIndex, channels) = (height, width, 1, 0, 3)
        for op in 0...deepest {
            if op == PlanMemory.poolOperationIndex(block: block) {
                let (oh, ow) = (h / 2, w / 2)
                let out = channels * oh * ow
                kept += out * element + (options.pooling == .max ? out * poolWorkspaceBytes : 0)
                largest = max(largest, out * element)
                (h, w, block) = (oh, ow, block + 1)
            } else {
                let conv = VGG19Architecture.convs[convIndex]
                let out = conv.outChannels * h * w * element
                largest = max(largest, out)
                if recomputes { segments[PlanMemory.segment(ofBlock: block)] += PlanMemory.aligned(out) } else { kept += out }
                weights += 2 * conv.outChannels * conv.inChannels * 9 * element + 2 * 4 * conv.outChannels
                for backward in [false, true] {
                    let algorithm = VGGPrimitives.algorithm(options.algorithm, inChannels: conv.inChannels,
                                                            channels: conv.outChannels, height: h, width: w,
                                                            backward: backward)
                    if algorithm == .winograd && options.precision == .f32 {
                        let floats = winogradPerChannelPixel * Double((conv.inChannels + conv.outChannels) * h * w)
                            + winogradPerWeight * Double(conv.inChannels * conv.outChannels)
                        scratch = max(scratch, 4 * floats)
                    }
                }
                channels = conv.outChannels
                convIndex += 1
            }
            for tap in taps where tap.operationIndex == op {
                let bytes = tap.channels * h * w * 4
                tapCopies += bytes
                largest = max(largest, bytes)
            }
        }
        let input = 3 * height * width * 4
        return kept + (segments.max() ?? 0) + weights + tapCopies + 2 * largest
            + Int(scratch) + 4 * input + 16 * height * width * element + planSlack
    }

    /// The largest longer side in `sizes` whose estimate fits `budget` bytes, or nil when
    /// none does (`estimate` must grow with the size).
    public static func largestSize(in sizes: ClosedRange<Int>, fitting budget: Int,
                                   estimate: (Int) throws -> Int) rethrows -> Int? {
        guard try estimate(sizes.lowerBound) <= budget else { return nil }
        var (low, high) = (sizes.lowerBound, sizes.upperBound)
        while low < high {
            let mid = low + (high - low + 1) / 2
            if try estimate(mid) <= budget { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Memory this process may still use: MemAvailable from /proc/meminfo, lowered to the
    /// cgroup's limit minus its usage when a limit is set (containers). `nil` when neither
    /// can be read (not Linux).
    public static func availableBytes() -> Int? {
        var available: Int? = nil
        if let info = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
            for line in info.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let kb = line.split(separator: " ").compactMap { Int($0) }.first
                available = kb.map { $0.multipliedReportingOverflow(by: 1024).overflow ? Int.max : $0 * 1024 }
            }
        }
        func number(_ path: String) -> Int? {
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        if let limit = number("/sys/fs/cgroup/memory.max"), let used = number("/sys/fs/cgroup/memory.current") {
            available = min(available ?? Int.max, max(0, limit - used))
        }
        return available
    }
}

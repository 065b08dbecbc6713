import ArgumentParser
import Foundation
import Pincel
import PincelBench
import PincelDNNL

/// `pincel bench`: engine speed per algorithm and precision.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time VGG19 forward+backward (relu5_1 deep) for each engine mode.",
        discussion: PincelCommand.exitCodes
    )

    /// Every mode `--modes` accepts: each algorithm with each precision.
    static let allModes = ConvolutionAlgorithm.allCases.flatMap { a in
        ComputePrecision.allCases.map { "\(a.rawValue)-\($0.rawValue)" }
    }.joined(separator: ", ")

    @Option(help: "Comma-separated image sizes (longer side = shorter side; default 256,512, with --instant 256,512,1024).")
    var sizes: String?

    @Option(help: "Timed passes per configuration (after one warm-up).")
    var repetitions: Int = 5

    @Option(help: ArgumentHelp("Comma-separated modes (any case), among \(BenchCommand.allModes)."))
    var modes: String = "direct-f32,winograd-f32,direct-bf16"

    @Option(help: "Path to the VGG19 weights file.")
    var weights: String?

    @Option(help: "oneDNN threads (default: all cores).")
    var threads: Int?

    @Option(help: RecomputeChoice.help)
    var recompute: RecomputeChoice = .auto

    @Option(help: "Instead: time N transfer iterations plain and with two style masks (halves), per size, and print the ratio.")
    var spatial: Int?

    @Flag(help: "Instead: time the instant network (ms per picture at each size, style vector once) and its style predictor.")
    var instant = false

    @Option(help: "With --instant: also time onnxruntime on the same 384x384 input, with this Python (which has onnxruntime and numpy) running scripts/instant_peer.py.")
    var peer: String?

    func validate() throws {
        if peer != nil, !instant { throw ValidationError.oneLine("--peer needs --instant") }
        if instant, spatial != nil { throw ValidationError.oneLine("--instant and --spatial are two different benchmarks; give one") }
        _ = try parsedModes()
        try bounded(repetitions, OptionBounds.repetitions, flag: "--repetitions")
        try bounded(threads, OptionBounds.threads, flag: "--threads")
        for size in try parsedSizes() { try bounded(size, OptionBounds.figureSize, flag: "--sizes") }
    }

    func parsedModes() throws -> [(ConvolutionAlgorithm, ComputePrecision)] {
        try modes.split(separator: ",").map { item in
            let parts = item.split(separator: "-").map(String.init)
            guard parts.count == 2, let a = ConvolutionAlgorithm(argument: parts[0]),
                  let p = ComputePrecision(argument: parts[1]) else {
                throw ValidationError.oneLine("--modes: '\(item)' is not one of \(BenchCommand.allModes)")
            }
            return (a, p)
        }
    }

    func parsedSizes() throws -> [Int] {
        try parsedList(sizes ?? (instant ? "256,512,1024" : "256,512"), flag: "--sizes", expected: "sizes in pixels") { Int($0) }
    }

    /// Writes a line to stdout at once (print is buffered when stdout is a file); never fails.
    func emit(_ line: String) { StandardOutput.write(line + "\n") }

    func run() async throws {
        if let spatial { return try await runSpatial(iterations: spatial) }
        if instant { return try runInstant() }
        for size in try parsedSizes() {
            for (algorithm, precision) in try parsedModes() {
                let options = NetworkOptions(algorithm: algorithm, precision: precision, threads: threads,
                                             recomputeEarlyBlocks: recompute.setting)
                try MemoryCheck.require(size: size, sizes: OptionBounds.figureSize, flag: "--sizes") {
                    try MemoryEstimate.benchmark(size: $0, options: options)
                }
            }
        }
        let path = try CommandLineWeights.path(weights)
        let vgg = try CommandLineWeights.load(path)
        let modes = try parsedModes()
        emit("# VGG19 forward+backward to the image, conv1_1…relu5_1, median of \(repetitions)")
        emit("# threads: \(threads ?? ComputeThreads.current), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        emit("size  algorithm  precision  median_s  GFLOP/s  buffers_MiB")
        for size in try parsedSizes() {
            for (alg, prec) in modes {
                let r = try EngineBenchmark.run(weights: vgg, size: size,
                                                options: NetworkOptions(algorithm: alg, precision: prec, threads: threads,
                                                                        recomputeEarlyBlocks: recompute.setting),
                                                repetitions: repetitions)
                emit(String(format: "%4d  %-9@  %-9@  %8.3f  %7.1f  %11.0f", size, alg.rawValue as NSString,
                             prec.rawValue as NSString, r.median, r.gflops, Double(r.bufferBytes) / 1048576))
            }
        }
        emit(String(format: "peak resident memory: %.0f MiB", Double(EngineBenchmark.peakResidentBytes()) / 1048576))
    }
}

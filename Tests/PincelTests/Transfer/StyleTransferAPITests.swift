import Foundation
import Synchronization
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The public entry point: validation, events, cancellation, sources. Random weights (no file):
/// these tests check the pipeline's behaviour, not the picture.
@Suite("StyleTransfer API")
struct StyleTransferAPITests {
    static let weights = randomVGG19Weights(seed: 11)

    /// A smooth synthetic photo / painting, RGB `[3, h, w]` in 0…255.
    static func picture(width: Int, height: Int, phase: Float) -> Tensor {
        var data = [Float](repeating: 0, count: 3 * width * height)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    let v = 127.5 + 100 * sin(Float(x) * 0.2 + Float(y) * 0.13 * Float(c + 1) + phase)
                    data[(c * height + y) * width + x] = v
                }
            }
        }
        return Tensor(shape: [3, height, width], data: data)
    }

    static func request(iterations: Int = 6, seed: UInt64? = 5) -> TransferRequest {
        var options = TransferOptions()
        options.size = 48
        options.iterations = iterations
        options.scales = 1
        options.seed = seed
        options.convergenceTolerance = 0
        return TransferRequest(content: .pixels(picture(width: 48, height: 40, phase: 0)),
                               styles: [.pixels(picture(width: 40, height: 40, phase: 1.5))], options: options)
    }

    /// Collects events from the transfer's thread.
    final class Recorder: Sendable {
        let events = Mutex<[TransferEvent]>([])
        func record(_ e: TransferEvent) { events.withLock { $0.append(e) } }
        var progress: [TransferProgressEvent] {
            events.withLock { $0.compactMap { if case .progress(let p) = $0 { p } else { nil } } }
        }
    }

    @Test func runReportsStartThenEveryEvaluationAndMatchesTheEngine() async throws {
        let recorder = Recorder()
        let transfer = try StyleTransfer(Self.request(), weights: Self.weights)
        let result = try await transfer.run(onEvent: recorder.record)
        let events = recorder.events.withLock { $0 }
        guard case .started(let start) = events.first else { Issue.record("first event is not .started"); return }
        #expect(start.width == 48 && start.height == 40 && start.seed == 5)
        #expect(recorder.progress.map(\.progress.iteration) == Array(1...6))
        #expect(result.iterations == 6 && result.plannedIterations == 6 && result.stop == .completed && result.seed == 5)
        #expect(result.image.shape == [3, 40, 48])
        let current = try #require(recorder.progress.last?.currentImage())
        #expect(current.shape == [3, 40, 48])
        // The pipeline sizes the style to size · styleScale (48 px), then runs the engine.
        let request = Self.request()
        guard case .pixels(let content) = request.content, case .pixels(let style) = request.styles[0] else { return }
        let sized = try ImageIO.resize(style, longerSide: 48)
        let engine = try TransferEngine.run(content: content, styles: [sized], weights: Self.weights, options: request.options)
        let same = engine.image == result.image
        #expect(same, "the pipeline's result differs from the engine's on the same inputs")
    }

    @Test func cancellingTheTaskStopsAtTheNextEvaluationAndKeepsTheImage() async throws {
        let transfer = try StyleTransfer(Self.request(iterations: 1000), weights: Self.weights)
        // The optimiser's thread waits at iteration 3 until the task is cancelled, so the test
        // does not depend on how fast the machine is.
        let (reached, signal) = AsyncStream<Int>.makeStream()
        let gate = DispatchSemaphore(value: 0)
        let task = Task {
            try await transfer.run {
                guard let p = $0.progress, p.iteration == 3 else { return }
                signal.yield(p.iteration)
                gate.wait()
            }
        }
        for await _ in reached { break }
        task.cancel()
        gate.signal()
        let result = try await task.value
        #expect(result.stop == .cancelled && result.interrupted)
        #expect(result.iterations >= 3 && result.iterations <= 4, "stopped at \(result.iterations)")
        #expect(result.image.shape == [3, 40, 48])
        #expect(result.image.data.allSatisfy { $0.isFinite })
    }

    @Test func cancelledBeforeStartThrowsCancellation() async throws {
        let transfer = try StyleTransfer(Self.request(), weights: Self.weights)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transfer.run()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func eventsSequenceEndsWithTheResult() async throws {
        let transfer = try StyleTransfer(Self.request(iterations: 4), weights: Self.weights)
        var progress = 0
        var finished: TransferResult?
        for try await outcome in transfer.events() {
            switch outcome {
            case .event(.progress): progress += 1
            case .event(.started): #expect(progress == 0)
            case .finished(let r): finished = r
            }
        }
        #expect(progress == 4)
        #expect(finished?.iterations == 4)
    }

    @Test func aDrawnSeedIsReported() async throws {
        let result = try await StyleTransfer(Self.request(iterations: 1, seed: nil), weights: Self.weights).run()
        let again = try await StyleTransfer(Self.request(iterations: 1, seed: result.seed), weights: Self.weights).run()
        let same = result.image == again.image
        #expect(same, "the reported seed does not reproduce the run")
    }

    @Test func settingsAreValidatedOnceWithTheSettingNamed() throws {
        var request = Self.request()
        request.options.size = 8
        #expect(throws: TransferError.invalidSetting(.size, "must be between 32 and 16384, got 8")) {
            try StyleTransfer(request, weights: Self.weights)
        }
        request = Self.request()
        request.options.styleBlend = [1, 2]
        #expect(throws: TransferError.self) { try StyleTransfer(request, weights: Self.weights) }
        request = Self.request()
        request.styles = []
        #expect(throws: TransferError.invalidSetting(.styles, "must hold at least one image")) {
            try StyleTransfer(request, weights: Self.weights)
        }
        request = Self.request()
        request.options.styleLayers = [WeightedLayer(name: "relu1_1", weight: 0)]
        #expect(throws: TransferError.self) { try StyleTransfer(request, weights: Self.weights) }
        request.options.styleWeight = 0  // no style term: allowed
        _ = try StyleTransfer(request, weights: Self.weights)
    }

    @Test func badPixelsAreRefusedBeforeWork() async throws {
        var request = Self.request()
        var bad = Self.picture(width: 48, height: 40, phase: 0)
        bad.data[7] = .nan
        request.content = .pixels(bad)
        let transfer = try StyleTransfer(request, weights: Self.weights)
        await #expect(throws: TransferError.invalidSetting(.content, "pixels must be within 0…255")) {
            try await transfer.run()
        }
        request = Self.request()
        request.styles = [.pixels(Tensor(shape: [1, 4, 4], data: [Float](repeating: 1, count: 16)))]
        await #expect(throws: TransferError.self) { try await StyleTransfer(request, weights: Self.weights).run() }
    }

    @Test func aMissingFileIsAnImageError() async throws {
        var request = Self.request()
        request.content = .file("/nonexistent/photo.png")
        await #expect(throws: ImageError.self) { try await StyleTransfer(request, weights: Self.weights).run() }
    }
}

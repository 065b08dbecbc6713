import Foundation
import Pincel

/// How a run ended, as the queue stores it.
struct RunOutcome: Sendable {
    /// `done`, `stopped` or `failed`.
    var state: JobState
    /// The image to keep (the result, the image reached when stopped, the last finite image).
    var image: Tensor?
    var seed: UInt64?
    var iterations: Int
    var planned: Int
    var seconds: Double
    var message: String?
}

/// What runs a job. The studio uses ``TransferRunner``; tests put in stand-ins.
protocol JobRunner: Sendable {
    /// Runs to the end, or until the calling task is cancelled (then the outcome is `stopped`
    /// with the image reached). Reports to `live`; never throws.
    func run(content: String, styles: [String], options: TransferOptions, live: LiveJob) async -> RunOutcome
}

/// Runs a job as a Pincel style transfer through the public API (``StyleTransfer``).
struct TransferRunner: JobRunner {
    let weights: VGG19Weights

    func run(content: String, styles: [String], options: TransferOptions, live: LiveJob) async -> RunOutcome {
        let request = TransferRequest(content: .file(content), styles: styles.map { .file($0) }, options: options)
        do {
            let transfer = try StyleTransfer(request, weights: weights)
            let result = try await transfer.run { event in
                switch event {
                case .started(let start):
                    live.started(seed: start.seed, width: start.width, height: start.height, total: options.iterations)
                case .progress(let progressEvent):
                    let p = progressEvent.progress
                    let point = p.rejectedTrial ? nil : LossPoint(iteration: p.iteration, content: Double(p.terms.content),
                                                                  style: Double(p.terms.style), tv: Double(p.terms.tv))
                    live.record(iteration: p.iteration, total: p.total, elapsed: p.elapsed, point: point,
                                image: { progressEvent.currentImage() })
                }
            }
            return RunOutcome(state: result.stop == .cancelled ? .stopped : .done, image: result.image, seed: result.seed,
                              iterations: result.iterations, planned: result.plannedIterations, seconds: result.seconds,
                              message: nil)
        } catch let failure as TransferFailure {
            let partial = failure.partialResult
            return RunOutcome(state: .failed, image: partial.image, seed: partial.seed, iterations: partial.iterations,
                              planned: partial.plannedIterations, seconds: partial.seconds, message: failure.description)
        } catch is CancellationError {
            return RunOutcome(state: .stopped, image: nil, seed: nil, iterations: 0, planned: options.iterations,
                              seconds: 0, message: "stopped before the first iteration")
        } catch TransferError.invalidSetting(let setting, let reason) {
            return RunOutcome(state: .failed, image: nil, seed: nil, iterations: 0, planned: options.iterations,
                              seconds: 0, message: "\(setting.words) \(reason)")
        } catch {
            return RunOutcome(state: .failed, image: nil, seed: nil, iterations: 0, planned: options.iterations,
                              seconds: 0, message: String(describing: error))
        }
    }
}

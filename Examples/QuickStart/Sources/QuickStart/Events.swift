import Pincel

/// Runs `transfer` as an asynchronous sequence of events (GettingStarted.md, "Events and the
/// current image") and returns the image being optimised at evaluation `limit`, or the result's
/// image if the run ends first.
func image(of transfer: StyleTransfer, afterIterations limit: Int) async throws -> Tensor? {
    for try await outcome in transfer.events() {
        switch outcome {
        case .event(.started(let start)):
            print("\(start.width)x\(start.height) px, seed \(start.seed), scales \(start.plan.steps.map(\.side))")
        case .event(.progress(let event)) where event.progress.iteration >= limit:
            return event.currentImage()  // leaving the loop cancels the run
        case .event(.progress):
            continue
        case .finished(let result):
            return result.image
        }
    }
    return nil
}

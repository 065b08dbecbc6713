import Foundation
import Synchronization

/// A stop request that a blocking run polls (the transfer at every evaluation).
package final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    package init() {}
    package func raise() { raised.store(true, ordering: .relaxed) }
    package var isRaised: Bool { raised.load(ordering: .relaxed) }
}

/// Long blocking work behind async cancellation: the one way every runner (``StyleTransfer``,
/// the video transfer) leaves the caller's task.
///
/// The work runs on a thread of its own, so it does not occupy Swift's cooperative pool;
/// the awaiting task suspends until it finishes. Cancelling that task raises the work's
/// ``StopSignal`` (at once when it is already cancelled), which the work polls and answers by
/// returning what it has (or throwing `CancellationError` when it has nothing yet).
package enum BlockingWork {
    /// 16 MiB: the engine's recursion is shallow, but libvips and oneDNN use the stack freely.
    package static let stackBytes = 16 << 20

    /// Runs `work` on a new thread called `name` and returns (or throws) what it does.
    package static func run<Result: Sendable>(name: String,
                                              _ work: @escaping @Sendable (StopSignal) throws -> Result) async throws -> Result {
        let stop = StopSignal()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, Error>) in
                let thread = Thread {
                    continuation.resume(with: Swift.Result { try work(stop) })
                }
                thread.name = name
                thread.stackSize = stackBytes
                thread.start()
            }
        } onCancel: {
            stop.raise()
        }
    }
}

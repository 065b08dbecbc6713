import ArgumentParser
import Foundation
import Synchronization

/// Raised by SIGINT or SIGTERM; the transfer checks it after each iteration and the
/// commands check it between start-up steps (``exitIfRaised(_:)``).
///
/// The handler is installed first thing in `main` (``ProcessStartup``), before any weights
/// or images load, so a signal at any moment ends the run with exit 130 instead of the
/// default termination (143 for SIGTERM).
enum InterruptFlag {
    private static let raised = Atomic<Bool>(false)

    static var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Routes SIGINT and SIGTERM to the flag and unblocks them (a parent may have started us
    /// with them blocked; threads made later inherit this thread's mask). Call once, early.
    static func install() {
        _ = raised.load(ordering: .relaxed)  // initialise the global before a handler can touch it
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            // Only an atomic store: async-signal-safe.
            action.__sigaction_handler.sa_handler = { _ in InterruptFlag.raised.store(true, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
            sigaddset(&unblock, sig)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Before the transfer has started there is no image worth saving: a raised flag ends
    /// the run here with exit 130 and nothing written.
    static func exitIfRaised(_ reporter: ProgressReporter) throws {
        guard isRaised else { return }
        reporter.note("interrupted before the transfer started; nothing was written")
        throw ExitCode(130)
    }

    /// Runs `body` (a transfer) and cancels it when the flag is raised (checked every 50 ms),
    /// so Ctrl-C stops the run at its next evaluation and `body` returns its current state.
    static func cancellingOnInterrupt<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while !isRaised { try await Task.sleep(nanoseconds: 50_000_000) }
                return nil
            }
            while let next = try await group.next() {
                group.cancelAll()
                if let value = next { return value }
            }
            throw CancellationError()
        }
    }
}

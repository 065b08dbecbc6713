import Dispatch
import Foundation

/// Set once SIGINT or SIGTERM arrives; the transfer checks it after each iteration.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var sources: [DispatchSourceSignal] = []

    var isRaised: Bool { lock.withLock { raised } }

    /// Routes SIGINT and SIGTERM to this flag instead of terminating the process.
    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.raise() }
            source.resume()
            sources.append(source)
        }
    }

    func raise() { lock.withLock { raised = true } }
}

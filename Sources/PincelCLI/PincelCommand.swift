import ArgumentParser
import Foundation
import Pincel

@main
struct PincelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pincel",
        abstract: "Neural style transfer (Gatys, Ecker & Bethge) on the CPU.",
        discussion: exitCodes,
        version: PincelInfo.version,
        subcommands: [TransferCommand.self, BenchCommand.self, ReconstructCommand.self, SheetCommand.self, EvaluateCommand.self],
        defaultSubcommand: TransferCommand.self
    )

    /// Signals, closed streams and SIGPIPE are set up before anything else runs (see
    /// ``ProcessStartup``), then ArgumentParser parses and runs the command.
    static func main() async {
        ProcessStartup.prepare()
        var command: ParsableCommand
        do {
            command = try parseAsRoot(nil)
        } catch {
            exitReporting(error)
        }
        do {
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exitReporting(error)
        }
        Foundation.exit(0)
    }

    /// ArgumentParser's reporting, except that an invalid option (exit 64) prints its one-line
    /// error and the `See 'pincel … --help'` hint, not the whole usage.
    static func exitReporting(_ error: Error) -> Never {
        let code = exitCode(for: error)
        guard code == .validationFailure else { exit(withError: error) }
        let lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = lines.prefix(1) + lines.dropFirst().filter { $0.contains("See '") }
        StandardError.write(kept.joined(separator: "\n") + "\n")
        Foundation.exit(code.rawValue)
    }

    /// The exit-code summary shown by `pincel --help` and `pincel transfer --help` (one paragraph).
    static let exitCodes = "Exit codes: 0 success; 1 a file, the weights or the run failed; 64 invalid options (also a --size "
        + "whose estimated memory is above what is available); "
        + "130 interrupted (Ctrl-C or SIGTERM; the current image is saved first, nothing is written "
        + "when the signal comes before the first iteration)."
}

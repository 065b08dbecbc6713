import ArgumentParser
import Foundation
import Pincel

@main
struct PincelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pincel",
        abstract: "Neural style transfer (Gatys, Ecker & Bethge) on the CPU.",
        usage: RootHelp.usage + "\npincel <subcommand> [options]",
        discussion: exitCodes,
        version: PincelInfo.version,
        subcommands: [TransferCommand.self, BatchCommand.self, BenchCommand.self, ReconstructCommand.self, SheetCommand.self, EvaluateCommand.self,
                      VideoCommand.self, WarpingErrorCommand.self, StudioCommand.self],
        defaultSubcommand: TransferCommand.self
    )

    /// Signals, closed streams and SIGPIPE are set up before anything else runs (see
    /// ``ProcessStartup``), then ArgumentParser parses and runs the command. A negative
    /// number after an option is its value (``NegativeNumberArguments``), and so is a file name
    /// that starts with `-` after a path option (``DashFileNameArguments``); `pincel` alone and
    /// `pincel --help` show the transfer's usage (``RootHelp``); an unknown option is named
    /// before anything else a failed parse reports (``UnknownOptions``).
    static func main() async {
        ProcessStartup.prepare()
        let arguments = CommandArguments.prepared(Array(CommandLine.arguments.dropFirst()))
        if arguments.isEmpty || arguments == ["transfer"] {
            StandardError.write(RootHelp.short)
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if RootHelp.isRequest(arguments) {
            StandardOutput.write(RootHelp.text())
            Foundation.exit(0)
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            if let unknown = UnknownOptions.first(in: arguments) {
                StandardError.write("Error: " + UnknownOptions.message(option: unknown.option, suggestion: unknown.suggestion)
                                    + "\n  See '\(RootHelp.commandPath(of: unknown.command)) --help' for more information.\n")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            exitReporting(error)
        }
        do {
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exitReporting(error, from: type(of: command))
        }
        Foundation.exit(0)
    }

    /// ArgumentParser's reporting, except that an invalid option (exit 64) prints its one-line
    /// error and the `See 'pincel … --help'` hint, not the whole usage. `command` is the
    /// command whose run() threw: its hint names it, as for errors found while parsing.
    static func exitReporting(_ error: Error, from command: ParsableCommand.Type? = nil) -> Never {
        let code = exitCode(for: error)
        guard code == .validationFailure else { exit(withError: error) }
        let lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: true)
        var kept = Array(lines.prefix(1))
        if let command {
            kept.append("  See '\(RootHelp.commandPath(of: command)) --help' for more information.")
        } else {
            kept += lines.dropFirst().filter { $0.contains("See '") }
        }
        StandardError.write(kept.joined(separator: "\n") + "\n")
        Foundation.exit(code.rawValue)
    }

    /// The exit-code summary shown by `pincel --help` and `pincel transfer --help` (one paragraph).
    static let exitCodes = "Exit codes: 0 success; 1 a file, the weights or the run failed; 64 invalid options (also a --size "
        + "whose estimated memory is above what is available); "
        + "130 interrupted (Ctrl-C or SIGTERM; the current image is saved first, nothing is written "
        + "when the signal comes before the first iteration)."
}

import ArgumentParser

/// What `pincel` alone and `pincel --help` show: the transfer is the default command, so a new
/// user sees its usage and options here, not only the list of subcommands.
enum RootHelp {
    static let usage = "pincel --content PHOTO --style PAINTING --output OUT.png [options]"

    /// `pincel` (or `pincel transfer`) with no arguments: what to type (stderr, exit 64).
    static let short = """
        Usage: \(usage)
          e.g. pincel --content Examples/astronaut.png --style Examples/starry_night.jpg --output result.png
          Every option and the other commands: pincel --help

        """

    /// True for the command lines that ask for the root help.
    static func isRequest(_ arguments: [String]) -> Bool {
        arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"]
    }

    /// The root help (overview, usage, exit codes, subcommands) with the transfer's options
    /// inserted before the subcommands.
    static func text(columns: Int? = nil) -> String {
        let root = PincelCommand.helpMessage(columns: columns)
        let transfer = PincelCommand.helpMessage(for: TransferCommand.self, columns: columns)
        guard let options = section("OPTIONS:", of: transfer), let at = root.range(of: "\nSUBCOMMANDS:") else {
            return root
        }
        let heading = "TRANSFER OPTIONS (the default command; also 'pincel transfer --help'):"
        return String(root[..<at.lowerBound]) + "\n" + heading + options + "\n" + String(root[at.lowerBound...])
    }

    /// The lines after `heading` up to the next line that starts a new section (no indent).
    static func section(_ heading: String, of help: String) -> String? {
        guard let start = help.range(of: "\n" + heading + "\n") else { return nil }
        var body = ""
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " " { break }
            body += "\n" + line
        }
        while body.hasSuffix("\n") { body.removeLast() }
        return body
    }

    /// `pincel reconstruct content`: the words that run `command` (for the `See '… --help'` hint).
    static func commandPath(of command: ParsableCommand.Type) -> String {
        func search(_ node: ParsableCommand.Type, _ path: [String]) -> [String]? {
            let here = path + [node._commandName]
            if node == command { return here }
            for sub in node.configuration.subcommands {
                if let found = search(sub, here) { return found }
            }
            return nil
        }
        return (search(PincelCommand.self, []) ?? ["pincel"]).joined(separator: " ")
    }
}
